package dev.mailgate.bench.load.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

  @Test
  void sumsUserSystemAndReapedChildrensTicksCountingFromTheLastParenthesis() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    String stat = "4242 (imap (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 20 11 20 0 1 0 3159209";
    assertThat(ProcessCpu.ticksOf(stat)).isEqualTo(7 + 3 + 20 + 11);
  }

  @Test
  void thisProcessHasUsedSomeCpuAndAnUnknownPidNone() {
    long self = ProcessHandle.current().pid();
    long spent = ProcessCpu.millis(List.of(self));
    // burn a little so the reading cannot be a constant
    long x = 0;
    for (int i = 0; i < 50_000_000; i++) {
      x += i % 7;
    }
    assertThat(x).isPositive();
    assertThat(ProcessCpu.millis(List.of(self))).isGreaterThan(0).isGreaterThanOrEqualTo(spent);
    assertThat(ProcessCpu.millis(List.of(Long.MAX_VALUE))).isZero();
  }

  @Test
  void aJvmsCompilerThreadsAreFoundAndTheirTimeIsPartOfTheWhole() {
    List<Long> self = List.of(ProcessHandle.current().pid());
    // the test JVM has compiled its way here; C1 runs within milliseconds of any start
    long jit = ProcessCpu.compilerMillis(self);
    assertThat(jit).isPositive().isLessThanOrEqualTo(ProcessCpu.millis(self));
    assertThat(ProcessCpu.compilerMillis(List.of(Long.MAX_VALUE))).isZero();
  }
}
