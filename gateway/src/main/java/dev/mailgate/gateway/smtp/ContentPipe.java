package dev.mailgate.gateway.smtp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

/**
 * Carries one message's content from the session (which reads it from the socket one piece at a
 * time) to a {@link TransactionSink.Transaction} with the sink's demand as the only buffer: at
 * most one piece waits here, and while it waits the session reads nothing more, so the client's
 * socket is the queue (TCP backpressure). Single subscriber.
 *
 * <p>Ownership: {@link #offer} takes a retained buffer; it is handed on (the subscriber releases
 * it) or released here if the subscriber has gone. {@link #offer}'s Mono completes on the
 * session's event loop once the piece was taken.
 */
final class ContentPipe implements Subscription {
  private final Executor loop;
  private Subscriber<? super ByteBuf> subscriber;
  private long demand;
  private ByteBuf parked;
  private MonoSink<Void> parkedSink;
  private boolean cancelled;
  private boolean terminated;
  private Throwable pendingError;
  private boolean pendingComplete;

  ContentPipe(Executor loop) {
    this.loop = loop;
  }

  /** The content stream for the sink; subscribe once. */
  Flux<ByteBuf> flux() {
    org.reactivestreams.Publisher<ByteBuf> p = this::subscribe;
    return Flux.from(p);
  }

  private void subscribe(Subscriber<? super ByteBuf> s) {
    synchronized (this) {
      if (subscriber != null) {
        Operators.error(s, new IllegalStateException("content already subscribed"));
        return;
      }
      subscriber = s;
    }
    s.onSubscribe(this);
    synchronized (this) {
      if (parked != null || !(pendingComplete || pendingError != null)) {
        return;
      }
    }
    signalTerminal(s);
  }

  /** Passes a retained piece on; completes when the sink took it (or dropped it). */
  Mono<Void> offer(ByteBuf buf) {
    Subscriber<? super ByteBuf> s;
    synchronized (this) {
      if (cancelled || terminated) {
        buf.release();
        return Mono.empty();
      }
      if (subscriber == null || demand == 0) {
        return Mono.create(sink -> park(buf, sink));
      }
      demand--;
      s = subscriber;
    }
    s.onNext(buf);
    return Mono.empty();
  }

  private void park(ByteBuf buf, MonoSink<Void> sink) {
    synchronized (this) {
      if (!cancelled && !terminated && (subscriber == null || demand == 0)) {
        parked = buf;
        parkedSink = sink;
        return;
      }
    }
    // demand arrived in between
    offer(buf).subscribe(null, sink::error, sink::success);
  }

  /** The message ended well: complete the stream after any parked piece. */
  void complete() {
    Subscriber<? super ByteBuf> s;
    synchronized (this) {
      if (terminated) {
        return;
      }
      pendingComplete = true;
      if (subscriber == null || parked != null) {
        return;
      }
      terminated = true;
      s = subscriber;
    }
    s.onComplete();
  }

  /** The message failed (too big, bad line endings, connection lost): error the stream. */
  void fail(Throwable error) {
    Subscriber<? super ByteBuf> s;
    ByteBuf drop;
    MonoSink<Void> waiting;
    synchronized (this) {
      if (terminated) {
        return;
      }
      terminated = true;
      pendingError = error;
      drop = parked;
      waiting = parkedSink;
      parked = null;
      parkedSink = null;
      s = cancelled ? null : subscriber;
    }
    if (drop != null) {
      drop.release();
      loop.execute(waiting::success);
    }
    if (s != null) {
      s.onError(error);
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      return;
    }
    ByteBuf next;
    MonoSink<Void> waiting;
    Subscriber<? super ByteBuf> s;
    boolean completeAfter;
    synchronized (this) {
      demand = Operators.addCap(demand, n);
      if (parked == null || cancelled) {
        return;
      }
      demand--;
      next = parked;
      waiting = parkedSink;
      parked = null;
      parkedSink = null;
      s = subscriber;
      completeAfter = pendingComplete && !terminated;
      if (completeAfter) {
        terminated = true;
      }
    }
    s.onNext(next);
    if (completeAfter) {
      s.onComplete();
    }
    loop.execute(waiting::success);
  }

  @Override
  public void cancel() {
    ByteBuf drop;
    MonoSink<Void> waiting;
    synchronized (this) {
      cancelled = true;
      drop = parked;
      waiting = parkedSink;
      parked = null;
      parkedSink = null;
    }
    if (drop != null) {
      drop.release();
      loop.execute(waiting::success);
    }
  }

  private void signalTerminal(Subscriber<? super ByteBuf> s) {
    Throwable e;
    synchronized (this) {
      if (terminated && pendingError == null) {
        return;
      }
      e = pendingError;
      terminated = true;
    }
    if (e != null) {
      s.onError(e);
    } else {
      s.onComplete();
    }
  }
}
