package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU time a server has used, user and system, over its process tree, from
 * {@code /proc/PID/stat} (proc(5): utime, stime, cutime, cstime, in clock ticks). The children's
 * fields count processes that have ended and been reaped, which matters for Dovecot: it forks an
 * imap process per login, and each is gone by the next reading. A process still alive counts
 * through its own fields, and once reaped through its parent's: never twice in one reading.
 *
 * <p>The throughput ratios say how fast a target is on this 2-core machine, where a proxy and
 * Dovecot share the cores; this says what each target spends to get there. A busy machine raises
 * it for every target alike, so targets compare within one run.
 */
public final class ProcessCpu {

  /** USER_HZ: the unit of the stat fields; 100 on every Linux the harness runs on (x86-64, arm64). */
  static final long TICKS_PER_SECOND = 100;

  /** The fields after the command name: state is field 3, utime field 14 (proc(5), 1-based). */
  private static final int UTIME = 14 - 3;

  private ProcessCpu() {}

  /** Milliseconds of CPU of {@code roots} and all their descendants, the ended ones included. */
  public static long millis(List<Long> roots) {
    long ticks = roots.stream()
        .flatMap(pid -> ProcessHandle.of(pid).stream())
        .flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
        .mapToLong(h -> ticks(h.pid()))
        .sum();
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /**
   * Milliseconds of CPU the JIT compiler threads of the JVMs among {@code roots} have used (their
   * {@code comm} is "C1 CompilerThre" or "C2 CompilerThre", the names truncated by the kernel). A
   * JVM compiles for minutes after it starts; what that costs is part of what a short run measures,
   * and this separates it from what serving costs once compiled. 0 for a process that is not a JVM.
   */
  public static long compilerMillis(List<Long> roots) {
    long ticks = 0;
    for (long pid : roots) {
      Path tasks = Path.of("/proc", Long.toString(pid), "task");
      try (Stream<Path> threads = Files.list(tasks)) {
        ticks += threads.filter(ProcessCpu::isCompiler).mapToLong(t -> ticksAt(t.resolve("stat"))).sum();
      } catch (IOException e) {
        // ended meanwhile: nothing more to count
      }
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  private static boolean isCompiler(Path task) {
    try {
      return Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*");
    } catch (IOException e) {
      return false;
    }
  }

  private static long ticks(long pid) {
    return ticksAt(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** The ticks of one process's or thread's stat file (a thread's children fields are 0). */
  private static long ticksAt(Path stat) {
    try {
      return ticksOf(Files.readString(stat));
    } catch (IOException e) {
      return 0; // ended meanwhile: a process's time is now in its parent's cutime
    }
  }

  /**
   * utime + stime + cutime + cstime of one stat line. The command name (field 2) is in parentheses
   * and may itself hold spaces and parentheses, so the fields are counted from its last ')'.
   */
  static long ticksOf(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long sum = 0;
    for (int i = UTIME; i < UTIME + 4; i++) {
      sum += Long.parseLong(f[i]);
    }
    return sum;
  }
}
