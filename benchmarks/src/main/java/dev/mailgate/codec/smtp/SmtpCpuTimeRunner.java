package dev.mailgate.codec.smtp;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs the SMTP JMH benchmark bodies in a loop and divides the work by this thread's CPU time, so
 * the figures mean "per CPU-second of one core" even on a machine shared with other load (where
 * JMH's wall-clock scores swing by 10x). Complements, does not replace, the JMH runs:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mailgate.codec.smtp.SmtpCpuTimeRunner}.
 */
public final class SmtpCpuTimeRunner {
  /** Work between two reads of the CPU clock. */
  private static final int BATCH_BYTES = 64 << 20;

  private SmtpCpuTimeRunner() {}

  public static void main(String[] a) throws Exception {
    Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SmtpCommandDecoderBenchmark c = new SmtpCommandDecoderBenchmark();
    c.setUp();
    for (int round = 0; round < 3; round++) {
      long t0 = mx.getCurrentThreadCpuTime();
      int n = 0;
      while (mx.getCurrentThreadCpuTime() - t0 < 2_000_000_000L) {
        for (int i = 0; i < 1000; i++) { c.decodePipelinedCommands(bh); }
        n += 1000;
      }
      double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
      System.out.printf("commands: %.2f M/s per CPU-second%n", n * 100 / s / 1e6);
    }
    SmtpReplyDecoderBenchmark r = new SmtpReplyDecoderBenchmark();
    r.setUp();
    for (int round = 0; round < 3; round++) {
      long t0 = mx.getCurrentThreadCpuTime();
      int n = 0;
      while (mx.getCurrentThreadCpuTime() - t0 < 2_000_000_000L) {
        for (int i = 0; i < 1000; i++) { r.decodeTransactionReplies(bh); }
        n += 1000;
      }
      double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
      System.out.printf("replies: %.2f M/s per CPU-second%n", n * 6 / s / 1e6);
    }
    for (String mode : new String[] {"PASS_THROUGH", "UNSTUFF"}) {
      for (String buf : new String[] {"heap", "direct"}) {
        for (int size : new int[] {4096, 102400, 10485760}) {
          SmtpDataDecoderBenchmark d = new SmtpDataDecoderBenchmark();
          d.size = size; d.mode = SmtpDataDecoder.Mode.valueOf(mode); d.buffer = buf;
          d.setUp();
          SmtpDataDecoderBenchmark.Emitted emitted = new SmtpDataDecoderBenchmark.Emitted();
          // Read the thread's CPU clock once per batch of about 64 MB, not per message: the read is
          // a system call of 1.5 us here (ClockCost below), longer than scanning 4 KB, and was once
          // mistaken for a fixed cost of the decoder (4 KB at 1.25 GB/s against 3 GB/s at 10 MB).
          int batch = Math.max(1, BATCH_BYTES / size);
          double best = 0;
          for (int round = 0; round < 3; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            long bytes = 0;
            while (mx.getCurrentThreadCpuTime() - t0 < 1_500_000_000L) {
              for (int k = 0; k < batch; k++) {
                d.scanForTerminator(bh, emitted);
              }
              bytes += (long) batch * size;
            }
            double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            best = Math.max(best, bytes / s / 1e9);
          }
          System.out.printf("DATA %s %s %d: %.2f GB/s per CPU-second%n", mode, buf, size, best);
          d.tearDown();
        }
      }
    }
  }
}
