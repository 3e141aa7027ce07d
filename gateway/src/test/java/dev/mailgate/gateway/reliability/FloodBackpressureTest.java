package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that pipelines commands without ever reading the replies: the gateway must stop reading
 * once its replies back up (TCP backpressure), so its memory stays bounded; the client's writes then
 * block. The writer offers 256 MB; the check is that it stalls after a few MB (socket buffers plus
 * bounded server queues), not that it takes any particular time. Afterwards the server still serves
 * a fresh client.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class FloodBackpressureTest {
  private static final long OFFERED = 256L << 20;
  private static final long BOUND = 32L << 20;
  private final RunningGateway gw;

  FloodBackpressureTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"imap, 'a NOOP'", "smtp, NOOP"})
  @Case(on = "imap, smtp", input = "NOOPs written without end and never a reply read (256 MB offered)",
      expect = "the server stops reading: the client's writes stall below 32 MB; a fresh client is served")
  void aClientThatNeverReadsIsThrottledByBackpressure(String listener, String command, Observed seen) throws Exception {
    byte[] chunk = (command + "\r\n").repeat(400).getBytes(StandardCharsets.US_ASCII);
    AtomicLong written = new AtomicLong();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (Wire w = Wire.connect(gw.port(listener))) {
      OutputStream out = w.rawOut();
      writer.submit(() -> {
        try {
          while (written.get() < OFFERED) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        } catch (IOException closed) {
          // the server may also close a session that floods
        }
        return null;
      });
      long last = -1;
      while (written.get() != last && written.get() < OFFERED) { // until no progress for a second
        last = written.get();
        Thread.sleep(1000);
      }
      seen.saw("writes stalled after " + written.get() / 1024 + " KB of " + OFFERED / (1 << 20) + " MB");
      assertThat(written.get()).isLessThan(BOUND);
    } finally {
      writer.shutdownNow();
      assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    try (Wire fresh = Wire.connect(gw.port(listener))) {
      fresh.expect("(220|\\* OK) .*");
    }
  }
}
