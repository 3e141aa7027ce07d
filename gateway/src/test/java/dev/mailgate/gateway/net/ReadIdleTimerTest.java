package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The per-connection read-idle timer on an embedded channel, driven by the real clock: the embedded
 * loop runs its scheduled checks when the test asks ({@link #runFor}).
 */
class ReadIdleTimerTest {

  private final AtomicInteger fired = new AtomicInteger();

  @Test
  void firesAfterTheTimeoutWithoutReadsAndAgainEachTimeoutWhileStillIdle() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    runUntil(ch, () -> fired.get() >= 2, Duration.ofSeconds(5));
    assertThat(fired).hasValueGreaterThanOrEqualTo(2);
  }

  @Test
  void readsKeepTheConnectionFromBeingIdle() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(300));
    long end = System.nanoTime() + Duration.ofMillis(900).toNanos();
    while (System.nanoTime() < end) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'}));
      ch.<Object>readInbound(); // passed on unchanged
      runFor(ch, Duration.ofMillis(50));
    }
    assertThat(fired).hasValue(0);
  }

  @Test
  void readsArePassedOnUnchanged() {
    EmbeddedChannel ch = channel(Duration.ofMinutes(1));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'a', 'b'}));
    ByteBuf b = ch.readInbound();
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("ab");
    b.release();
  }

  @Test
  void aLongerTimeoutSetInPlaceHoldsOffTheCheckAlreadyPending() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    timer(ch).timeout(Duration.ofMinutes(5));
    runFor(ch, Duration.ofMillis(400));
    assertThat(fired).hasValue(0);
  }

  @Test
  void aShorterTimeoutSetInPlaceFiresWithoutWaitingForTheLongOne() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMinutes(5));
    timer(ch).timeout(Duration.ofMillis(100));
    runUntil(ch, () -> fired.get() >= 1, Duration.ofSeconds(5));
    assertThat(fired).hasValue(1);
  }

  @Test
  void aClosedConnectionIsNeverReportedIdle() throws Exception {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    ch.close();
    runFor(ch, Duration.ofMillis(300));
    assertThat(fired).hasValue(0);
  }

  private EmbeddedChannel channel(Duration timeout) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addFirst(ReadIdleTimer.NAME, new ReadIdleTimer(timeout, fired::incrementAndGet));
    return ch;
  }

  private static ReadIdleTimer timer(EmbeddedChannel ch) {
    return (ReadIdleTimer) ch.pipeline().get(ReadIdleTimer.NAME);
  }

  private static void runFor(EmbeddedChannel ch, Duration d) throws InterruptedException {
    runUntil(ch, () -> false, d);
  }

  private static void runUntil(EmbeddedChannel ch, BooleanSupplier done, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      ch.runScheduledPendingTasks();
      Thread.sleep(10);
    }
  }
}
