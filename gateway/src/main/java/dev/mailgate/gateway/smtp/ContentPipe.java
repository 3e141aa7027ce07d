package dev.mailgate.gateway.smtp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;
import org.reactivestreams.Subscriber;
import reactor.core.CoreSubscriber;
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
 * <p>A pipe may start with a first piece of the session's own (the {@code Received:} header): it
 * goes out before anything offered, once something follows it (the first offered piece or the
 * end), so the sink sees one stream without a concatenating operator assembled per message, and a
 * relay writes the header and the content after it together.
 *
 * <p>Ownership: {@link #offer} takes a retained buffer, as the constructor takes the first piece;
 * it is handed on (the subscriber releases it) or released here if the subscriber has gone or the
 * content failed. {@link #offer}'s Mono completes on the session's event loop once the piece was
 * taken.
 */
final class ContentPipe extends Flux<ByteBuf> implements Subscription {
  private final Executor loop;
  /** The first piece, until it goes on with what follows it. */
  private ByteBuf first;
  /** The first piece is being handed on: offers park meanwhile, so it stays first. */
  private boolean firstInFlight;
  private Subscriber<? super ByteBuf> subscriber;
  private long demand;
  private ByteBuf parked;
  private MonoSink<Void> parkedSink;
  private boolean cancelled;
  private boolean terminated;
  private Throwable pendingError;
  private boolean pendingComplete;

  ContentPipe(Executor loop) {
    this(loop, null);
  }

  /** A pipe whose stream starts with {@code first} (taken over; may be null). */
  ContentPipe(Executor loop, ByteBuf first) {
    this.loop = loop;
    this.first = first;
  }

  /** Whether an offer must wait (under this pipe's lock). */
  private boolean mustPark() {
    return subscriber == null || demand == 0 || first != null || firstInFlight;
  }

  /** The content stream for the sink (this pipe itself); subscribe once. */
  Flux<ByteBuf> flux() {
    return this;
  }

  @Override
  public void subscribe(CoreSubscriber<? super ByteBuf> s) {
    synchronized (this) {
      if (subscriber != null) {
        Operators.error(s, new IllegalStateException("content already subscribed"));
        return;
      }
      subscriber = s;
    }
    s.onSubscribe(this);
    synchronized (this) {
      if (parked != null || first != null || firstInFlight || !(pendingComplete || pendingError != null)) {
        return;
      }
    }
    signalTerminal(s);
  }

  /** Passes a retained piece on; completes when the sink took it (or dropped it). */
  Mono<Void> offer(ByteBuf buf) {
    Subscriber<? super ByteBuf> s;
    ByteBuf head = null;
    synchronized (this) {
      if (cancelled || terminated) {
        buf.release();
        return Mono.empty();
      }
      if (first != null && !firstInFlight && subscriber != null && demand >= 2) {
        // the first piece and this one go on together, and the session reads on at once: the end
        // of data, in the same read as a rule, then joins the relay's same write as well
        head = first;
        first = null;
        firstInFlight = true;
        demand -= 2;
      } else if (mustPark()) {
        return Mono.create(sink -> park(buf, sink));
      } else {
        demand--;
      }
      s = subscriber;
    }
    if (head != null) {
      s.onNext(head);
      s.onNext(buf);
      synchronized (this) {
        firstInFlight = false;
      }
      handOnParked();
      return Mono.empty();
    }
    s.onNext(buf);
    return Mono.empty();
  }

  private void park(ByteBuf buf, MonoSink<Void> sink) {
    boolean firstWaits;
    synchronized (this) {
      boolean parks = !cancelled && !terminated && mustPark();
      if (parks) {
        parked = buf;
        parkedSink = sink;
      }
      firstWaits = parks && first != null;
      if (parks && !firstWaits) {
        return;
      }
    }
    if (firstWaits) {
      drain(); // the first piece was waiting for this one
      return;
    }
    // demand arrived in between
    offer(buf).subscribe(null, sink::error, sink::success);
  }

  /** The message ended well: complete the stream after any parked piece. */
  void complete() {
    Subscriber<? super ByteBuf> s;
    boolean firstWaits;
    synchronized (this) {
      if (terminated) {
        return;
      }
      pendingComplete = true;
      firstWaits = first != null;
      if (subscriber == null || parked != null || first != null || firstInFlight) {
        s = null;
      } else {
        terminated = true;
        s = subscriber;
      }
    }
    if (firstWaits) {
      drain(); // a message without content: the first piece, then the end
    } else if (s != null) {
      s.onComplete();
    }
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
      releaseFirst();
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
    synchronized (this) {
      demand = Operators.addCap(demand, n);
    }
    drain();
  }

  /**
   * The first piece goes on once something follows it (an offered piece or the end), then the
   * parked piece or the end. Held until then, it goes out in the same write as the content after
   * it: handed on at the first demand, a relay wrote it alone whenever the backend's 354 came before
   * the client's content, one more TCP segment to the backend for every message.
   */
  private void drain() {
    ByteBuf head;
    Subscriber<? super ByteBuf> s;
    synchronized (this) {
      if (first == null || cancelled || terminated || demand == 0 || subscriber == null
          || (parked == null && !pendingComplete)) {
        head = null;
      } else {
        head = first;
        first = null;
        firstInFlight = true;
        demand--;
      }
      s = subscriber;
    }
    if (head != null) {
      s.onNext(head); // may request more: the parked piece waits for firstInFlight to clear
      synchronized (this) {
        firstInFlight = false;
      }
    }
    handOnParked();
  }

  /** The parked piece goes on if there is demand for it, then the end if it was waiting for it. */
  private void handOnParked() {
    ByteBuf next;
    MonoSink<Void> waiting;
    Subscriber<? super ByteBuf> s;
    boolean completeAfter;
    synchronized (this) {
      if (cancelled || firstInFlight || first != null || subscriber == null) {
        return;
      }
      s = subscriber;
      if (parked == null) {
        // the end came while the first piece was on its way
        completeAfter = pendingComplete && !terminated;
        if (completeAfter) {
          terminated = true;
        }
        next = null;
        waiting = null;
      } else {
        if (demand == 0) {
          return;
        }
        demand--;
        next = parked;
        waiting = parkedSink;
        parked = null;
        parkedSink = null;
        completeAfter = pendingComplete && !terminated;
        if (completeAfter) {
          terminated = true;
        }
      }
    }
    if (next != null) {
      s.onNext(next);
    }
    if (completeAfter) {
      s.onComplete();
    }
    if (waiting != null) {
      loop.execute(waiting::success);
    }
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
      releaseFirst();
    }
    if (drop != null) {
      drop.release();
      loop.execute(waiting::success);
    }
  }

  /** Under this pipe's lock. */
  private void releaseFirst() {
    if (first != null) {
      first.release();
      first = null;
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
