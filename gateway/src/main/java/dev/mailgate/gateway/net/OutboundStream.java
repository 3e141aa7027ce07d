package dev.mailgate.gateway.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Writes a stream of buffers to a channel as they come (a relayed message's content), with the
 * socket's backpressure: the next buffer is asked for only while the channel is writable, so what
 * waits in memory is Netty's write high-water mark plus one buffer. Writes are flushed whenever the
 * source has nothing more at hand, so a message that is all there (trace header, content, end of
 * data) leaves in one flush.
 *
 * <p>This is reactor-netty's {@code outbound().send(source)} for a single stream of one
 * transaction, without the operator that builds a 128-slot queue and a drain loop for every call:
 * about 0.9 KB and a pass through that loop per relayed SMTP message (docs/performance.md).
 *
 * <p>Completes once the last write succeeded; fails with the source's error or the first failed
 * write's, cancelling the source. Runs on the channel's event loop, hopping there for signals that
 * come from elsewhere. Every buffer received is written (the channel releases it) or released.
 */
public final class OutboundStream extends Mono<Void> {

  /** When the channel is not writable and no write of this stream is pending to wait for. */
  private static final long WRITABLE_RECHECK_MILLIS = 1;

  private final Channel channel;
  private final Publisher<ByteBuf> source;

  public OutboundStream(Channel channel, Publisher<ByteBuf> source) {
    this.channel = channel;
    this.source = source;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Writer w = new Writer(actual);
    actual.onSubscribe(w);
    source.subscribe(w);
  }

  private final class Writer implements CoreSubscriber<ByteBuf>, Subscription, ChannelFutureListener {
    private final CoreSubscriber<? super Void> actual;
    private final EventLoop loop = channel.eventLoop();
    private Subscription upstream;
    private ChannelFuture lastWrite;
    private boolean requesting;
    private boolean arrived;
    private boolean unflushed;
    /** Not writable: the next of this stream's writes to complete looks again. */
    private boolean awaitingWritable;
    /** The source ended or failed, a write failed, or the subscriber cancelled. */
    private boolean done;
    private boolean terminated;

    Writer(CoreSubscriber<? super Void> actual) {
      this.actual = actual;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        onLoop(this::pull);
      }
    }

    /** Asks for buffers while the channel is writable and they come at once; flushes when they stop. */
    private void pull() {
      while (!done) {
        if (!channel.isWritable()) {
          flush();
          awaitWritable();
          return;
        }
        arrived = false;
        requesting = true;
        upstream.request(1);
        requesting = false;
        if (!arrived) {
          if (!done) {
            flush(); // the next buffer comes later: onNext pulls again
          }
          return;
        }
      }
    }

    /**
     * Resumes when the channel is writable again, which Netty says once its outbound buffer fell
     * under the low-water mark: looked at as each of this stream's writes completes, so that reads
     * resume while half the high-water mark still waits for the socket and the socket never runs
     * dry (waiting for the last write to complete made a 1 MB relay stop and go). With no write of
     * this stream pending, someone else filled the channel: looked at again shortly.
     */
    private void awaitWritable() {
      ChannelFuture w = lastWrite;
      if (w != null && !w.isDone()) {
        awaitingWritable = true;
      } else {
        loop.schedule(this::pull, WRITABLE_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
      }
    }

    private void flush() {
      if (unflushed) {
        unflushed = false;
        channel.flush();
      }
    }

    @Override
    public void onNext(ByteBuf b) {
      if (loop.inEventLoop()) {
        write(b);
      } else {
        loop.execute(() -> write(b));
      }
    }

    private void write(ByteBuf b) {
      if (done) {
        ReferenceCountUtil.release(b);
        return;
      }
      ChannelFuture f = channel.write(b);
      f.addListener(this);
      lastWrite = f;
      unflushed = true;
      if (requesting) {
        arrived = true;
      } else {
        pull();
      }
    }

    /** A write's outcome: the first failure ends the stream; a success may make room for more. */
    @Override
    public void operationComplete(ChannelFuture f) {
      if (!f.isSuccess()) {
        upstream.cancel();
        fail(f.cause());
      } else if (awaitingWritable && (channel.isWritable() || f == lastWrite)) {
        awaitingWritable = false;
        pull();
      }
    }

    @Override
    public void onError(Throwable t) {
      onLoop(() -> fail(t));
    }

    @Override
    public void onComplete() {
      onLoop(() -> {
        if (done) {
          return;
        }
        done = true;
        ChannelFuture last = lastWrite;
        flush();
        if (last == null) {
          succeed();
        } else {
          last.addListener(f -> {
            if (f.isSuccess()) {
              succeed();
            } // a failure was reported by this writer's own listener
          });
        }
      });
    }

    private void succeed() {
      if (!terminated) {
        terminated = true;
        actual.onComplete();
      }
    }

    private void fail(Throwable t) {
      done = true;
      if (terminated) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      terminated = true;
      actual.onError(t);
    }

    @Override
    public void request(long n) {
      // a Mono<Void> emits no value: demand changes nothing
    }

    @Override
    public void cancel() {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      onLoop(() -> {
        done = true;
        terminated = true;
      });
    }

    private void onLoop(Runnable task) {
      EventLoops.run(loop, task);
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }
  }
}
