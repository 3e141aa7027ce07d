package dev.mailgate.codec.imap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs the IMAP JMH benchmark methods and reports throughput per second of this thread's CPU time, so
 * figures stay comparable on a shared, overloaded machine where wall-clock JMH scores mostly measure
 * the scheduler. Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.mailgate.codec.imap.ImapCpuTimeRunner}.
 */
public final class ImapCpuTimeRunner {
  private ImapCpuTimeRunner() {}

  public static void main(String[] args) {
    Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ImapCommandParseBenchmark c = new ImapCommandParseBenchmark();
    c.setUp();
    for (String mode : new String[] {"frameOnly", "frameAndParse"}) {
      for (int round = 0; round < 6; round++) {
        long t0 = mx.getCurrentThreadCpuTime();
        int n = 0;
        while (mx.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) {
          if (mode.equals("frameOnly")) c.frameOnly(bh); else c.frameAndParse(bh);
          n++;
        }
        long t = mx.getCurrentThreadCpuTime() - t0;
        System.out.printf("commands %s: %.2f M commands/s (cpu)%n", mode, n * (double) ImapCommandParseBenchmark.COMMANDS / t * 1000);
      }
    }
    for (int size : new int[] {4096, 65536}) {
      ImapResponseDecodeBenchmark r = new ImapResponseDecodeBenchmark();
      r.literalSize = size;
      r.setUp();
      for (String mode : new String[] {"frame", "frameAndParse"}) {
        for (int round = 0; round < 6; round++) {
          long t0 = mx.getCurrentThreadCpuTime();
          int n = 0;
          while (mx.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) {
            if (mode.equals("frame")) r.frame(bh); else r.frameAndParse(bh);
            n++;
          }
          long t = mx.getCurrentThreadCpuTime() - t0;
          System.out.printf("responses %d %s: %.2f GB/s (cpu)%n", size, mode, n * 16.0 * 1024 * 1024 / t);
        }
      }
    }
  }
}
