package dev.mailgate.gateway.proxy.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * The reply timeouts of {@link ReplyReader}: one timer on the connection's event loop watches every
 * waiter's deadline. Time is the embedded channel's frozen clock, advanced by hand.
 */
class ReplyReaderTest {

  private EmbeddedChannel channel;
  private Sinks.Many<Object> inbound;
  private ReplyReader reader;

  @BeforeEach
  void attach() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    inbound = Sinks.many().unicast().onBackpressureBuffer();
    reader = new ReplyReader(BackendSmtpLimits.DEFAULTS, () -> { });
    reader.attach(inbound.asFlux(), Connection.from(channel));
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aReplyNotArrivingWithinItsTimeoutFailsTheWaiterAtTheDeadlineNotBefore() {
    Outcome waiting = await(Duration.ofMillis(100));

    advance(99);
    assertThat(waiting.settled()).isFalse();
    assertThat(reader.failed()).isFalse();

    advance(1);
    assertThat(waiting.error.get()).isInstanceOf(TimeoutException.class);
    assertThat(reader.failed()).isTrue();
  }

  @Test
  void aCommandAnsweredInTimeLeavesTheNextCommandItsFullTimeout() {
    Outcome first = await(Duration.ofMillis(100));
    advance(50);
    receive("250 first\r\n");
    assertThat(first.reply.get().text()).isEqualTo("first");

    advance(10);
    Outcome second = await(Duration.ofMillis(100)); // due at 160 ms

    advance(40); // the timer set for the first command fires at 100 ms and finds the second not due
    advance(59);
    assertThat(second.settled()).isFalse();

    advance(1);
    assertThat(second.error.get()).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aShorterTimeoutPipelinedBehindALongerOneStillFiresOnTime() {
    Outcome dataEnd = await(Duration.ofSeconds(600));
    Outcome command = await(Duration.ofMillis(100));

    advance(100);

    assertThat(command.error.get()).isInstanceOf(TimeoutException.class);
    assertThat(dataEnd.error.get()).isInstanceOf(TimeoutException.class); // the reader is unusable now
  }

  @Test
  void pipelinedRepliesGoToTheirWaitersInOrderAndNoTimerFiresAfterThem() {
    Outcome mail = await(Duration.ofMillis(100));
    Outcome rcpt = await(Duration.ofMillis(100));

    receive("250 2.1.0 sender\r\n250 2.1.5 recipient\r\n");
    advance(1_000);

    assertThat(mail.reply.get().text()).isEqualTo("sender");
    assertThat(rcpt.reply.get().text()).isEqualTo("recipient");
    assertThat(reader.failed()).isFalse();
  }

  @Test
  void aReplyThatCameBeforeItsCommandAwaitedItIsHandedOverAtOnce() {
    receive("220 ready\r\n");

    Outcome greeting = await(Duration.ofMillis(100));

    assertThat(greeting.reply.get().code()).isEqualTo(220);
    advance(1_000);
    assertThat(reader.failed()).isFalse();
  }

  @Test
  void aCancelledWaiterLeavesTheQueueAndTheReplyGoesToTheCommandAfterIt() {
    Outcome cancelled = new Outcome();
    reader.next(Duration.ofMillis(100)).subscribe(cancelled.reply::set, cancelled.error::set).dispose();
    Outcome next = await(Duration.ofSeconds(5));

    receive("250 2.0.0 ok\r\n");
    advance(1_000); // the cancelled waiter's deadline has passed: no timer fails the reader for it

    assertThat(cancelled.settled()).isFalse();
    assertThat(next.reply.get().text()).isEqualTo("ok");
    assertThat(reader.failed()).isFalse();
  }

  private Outcome await(Duration timeout) {
    Outcome o = new Outcome();
    reader.next(timeout).subscribe(o.reply::set, o.error::set);
    return o;
  }

  /** As reactor-netty does: the buffer is released once the reader's onNext returned. */
  private void receive(String lines) {
    ByteBuf read = Unpooled.copiedBuffer(lines, StandardCharsets.US_ASCII);
    inbound.tryEmitNext(read);
    read.release();
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private static final class Outcome {
    final AtomicReference<SmtpReply> reply = new AtomicReference<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    boolean settled() {
      return reply.get() != null || error.get() != null;
    }
  }
}
