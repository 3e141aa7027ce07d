package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.publisher.TestPublisher;

/** {@link OutboundStream} on an embedded channel (every call on its loop). */
class OutboundStreamTest {

  private final AtomicInteger flushes = new AtomicInteger();
  private final AtomicReference<Throwable> failWrites = new AtomicReference<>();
  /** Writes held here, not written, while {@link #hold} is set: a socket that is not draining. */
  private final List<ChannelPromise> held = new ArrayList<>();
  private boolean hold;
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      Throwable t = failWrites.get();
      if (hold) {
        ((ByteBuf) msg).release();
        held.add(promise);
      } else if (t != null) {
        ((ByteBuf) msg).release();
        promise.setFailure(t);
      } else {
        ctx.write(msg, promise);
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes.incrementAndGet();
      ctx.flush();
    }
  });
  private final AtomicReference<String> end = new AtomicReference<>();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private void write(org.reactivestreams.Publisher<ByteBuf> source) {
    new OutboundStream(channel, source).subscribe(null, e -> end.set("error: " + e.getMessage()), () -> end.set("complete"));
    channel.runPendingTasks();
  }

  private List<String> written() {
    List<String> out = new ArrayList<>();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      out.add(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out;
  }

  @Test
  void buffersAtHandGoOutInOrderInOneFlushAndTheStreamCompletesAfterTheLast() {
    write(Flux.just(buf("Received: x\r\n"), buf("body\r\n"), buf(".\r\n")));
    assertThat(written()).containsExactly("Received: x\r\n", "body\r\n", ".\r\n");
    assertThat(flushes).hasValue(1);
    assertThat(end).hasValue("complete");
  }

  @Test
  void aBufferThatComesLaterIsFlushedOnItsOwn() {
    TestPublisher<ByteBuf> source = TestPublisher.create();
    write(source);
    source.next(buf("one\r\n"));
    assertThat(written()).containsExactly("one\r\n");
    source.next(buf("two\r\n"));
    assertThat(written()).containsExactly("two\r\n");
    assertThat(flushes).hasValue(2);
    assertThat(end).hasValue(null);
    source.complete();
    assertThat(end).hasValue("complete");
  }

  @Test
  void nothingMoreIsAskedForWhileTheChannelIsNotWritable() {
    TestPublisher<ByteBuf> source = TestPublisher.create();
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    write(source);
    assertThat(source.wasRequested()).isFalse();

    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    source.assertMinRequested(1);
    source.next(buf("now\r\n")).complete();
    assertThat(written()).containsExactly("now\r\n");
    assertThat(end).hasValue("complete");
  }

  @Test
  void theFirstWriteToCompleteOnceTheChannelIsWritableAgainAsksForMore() {
    TestPublisher<ByteBuf> source = TestPublisher.create();
    AtomicInteger requests = new AtomicInteger();
    write(source.flux().doOnRequest(n -> requests.incrementAndGet()));
    hold = true; // the socket takes nothing for now
    source.next(buf("a\r\n"));
    assertThat(requests).hasValue(2);

    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    source.next(buf("b\r\n"));
    assertThat(held).hasSize(2);
    assertThat(requests).hasValue(2); // not writable: nothing more is asked for

    // under the low-water mark after the first write: more is asked for while the second still
    // waits, so the socket does not run dry before the source is read again
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    held.get(0).setSuccess();
    assertThat(requests).hasValue(3);
    held.get(1).setSuccess();
    source.complete();
    assertThat(end).hasValue("complete");
  }

  @Test
  void aSourceFailureFailsTheStream() {
    write(Flux.concat(Flux.just(buf("partial\r\n")), Flux.error(new IllegalStateException("client went away"))));
    assertThat(end).hasValue("error: client went away");
    assertThat(written()).containsExactly("partial\r\n");
  }

  @Test
  void aFailedWriteCancelsTheSourceAndFailsTheStream() {
    TestPublisher<ByteBuf> source = TestPublisher.create();
    failWrites.set(new IllegalStateException("connection reset"));
    write(source);
    source.next(buf("lost\r\n"));
    assertThat(end).hasValue("error: connection reset");
    source.assertCancelled();
  }

  @Test
  void aBufferAfterCancelIsReleasedNotWritten() {
    TestPublisher<ByteBuf> source = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
    var d = new OutboundStream(channel, source).subscribe();
    channel.runPendingTasks();
    d.dispose();
    source.assertCancelled();
    ByteBuf late = buf("late\r\n");
    source.next(late);
    assertThat(late.refCnt()).isZero();
    assertThat(written()).isEmpty();
  }
}
