package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-connection read-idle timer on an embedded channel whose clock is frozen: the test moves it
 * ({@link #advance}) and runs the checks that fall due, so nothing here waits on real time.
 */
class ReadIdleTimerTest {

  private final AtomicInteger fired = new AtomicInteger();

  @Test
  void firesAfterTheTimeoutWithoutReadsAndAgainEachTimeoutWhileStillIdle() {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    advance(ch, Duration.ofMillis(99));
    assertThat(fired).hasValue(0);
    advance(ch, Duration.ofMillis(1));
    assertThat(fired).hasValue(1);
    advance(ch, Duration.ofMillis(100));
    assertThat(fired).hasValue(2);
  }

  @Test
  void readsKeepTheConnectionFromBeingIdle() {
    EmbeddedChannel ch = channel(Duration.ofMillis(300));
    for (int i = 0; i < 18; i++) { // 900 ms, a read every 50 ms
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'}));
      ((ByteBuf) ch.readInbound()).release();
      advance(ch, Duration.ofMillis(50));
    }
    assertThat(fired).hasValue(0);
    advance(ch, Duration.ofMillis(300));
    assertThat(fired).hasValue(1);
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
  void aLongerTimeoutSetInPlaceHoldsOffTheCheckAlreadyPending() {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    timer(ch).timeout(Duration.ofMinutes(5));
    advance(ch, Duration.ofMinutes(4));
    assertThat(fired).hasValue(0);
    advance(ch, Duration.ofMinutes(1));
    assertThat(fired).hasValue(1);
  }

  @Test
  void aShorterTimeoutSetInPlaceFiresWithoutWaitingForTheLongOne() {
    EmbeddedChannel ch = channel(Duration.ofMinutes(5));
    timer(ch).timeout(Duration.ofMillis(100));
    advance(ch, Duration.ofMillis(100));
    assertThat(fired).hasValue(1);
  }

  @Test
  void aClosedConnectionIsNeverReportedIdle() {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    ch.close();
    advance(ch, Duration.ofSeconds(1));
    assertThat(fired).hasValue(0);
  }

  private EmbeddedChannel channel(Duration timeout) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addFirst(ReadIdleTimer.NAME, new ReadIdleTimer(timeout, fired::incrementAndGet));
    return ch;
  }

  private static ReadIdleTimer timer(EmbeddedChannel ch) {
    return (ReadIdleTimer) ch.pipeline().get(ReadIdleTimer.NAME);
  }

  /** Moves the channel's clock on in 10 ms steps, running each check as it falls due. */
  private static void advance(EmbeddedChannel ch, Duration d) {
    for (long left = d.toMillis(); left > 0; left -= 10) {
      ch.advanceTimeBy(Math.min(10, left), TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
    }
  }
}
