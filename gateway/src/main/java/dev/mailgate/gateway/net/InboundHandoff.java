package dev.mailgate.gateway.net;

import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * One connection's inbound messages for several consumers in turn: the pre-login session reads
 * commands, then hands the same stream to the relay. reactor-netty allows one subscriber per
 * connection's {@code receive()} for its whole life, so this subscribes to it once and passes
 * demand through from whichever consumer is current.
 *
 * <p>Messages follow reactor-netty's rule: released after the consumer's {@code onNext} returns (a
 * consumer that keeps one must retain it). A message that arrives while no consumer is attached
 * (demand still outstanding from the previous one) is retained and parked for the next; at most
 * the previous consumer's outstanding demand is parked. {@link #dispose()} releases what is parked.
 */
public final class InboundHandoff {

  private final Publisher<?> source;
  /** Usually empty: at most the previous consumer's outstanding demand (see above). */
  private final ArrayDeque<Object> parked = new ArrayDeque<>(2);
  private Subscription upstream;
  /** Demand passed upstream and not yet answered (may outlive the consumer that asked). */
  private long outstanding;
  private boolean subscribed;
  private Consumer current;
  private boolean done;
  private Throwable failure;
  private boolean disposed;

  public InboundHandoff(Publisher<?> source) {
    this.source = source;
  }

  /** The stream for the next consumer; only one may be subscribed at a time. */
  public Flux<Object> receive() {
    Publisher<Object> p = this::attach;
    return Flux.from(p);
  }

  private void attach(Subscriber<? super Object> s) {
    Consumer c = new Consumer(s);
    boolean subscribeUpstream;
    synchronized (this) {
      if (current != null) {
        Operators.error(s, new IllegalStateException("inbound already has a consumer"));
        return;
      }
      current = c;
      subscribeUpstream = !subscribed;
      subscribed = true;
    }
    s.onSubscribe(c);
    if (subscribeUpstream) {
      source.subscribe(new Upstream());
    }
    drain();
  }

  /**
   * The connection is gone: nothing more will arrive. The current consumer still gets what is
   * parked and then completes (reactor-netty runs dispose callbacks before its inbound would have
   * completed, so without this a relay would never see the close); with no consumer attached, the
   * parked messages are released. Later messages are dropped.
   */
  public void dispose() {
    synchronized (this) {
      if (disposed) {
        return;
      }
      disposed = true;
      done = true;
      if (current == null) {
        while (!parked.isEmpty()) {
          ReferenceCountUtil.release(parked.poll());
        }
      }
    }
    drain();
  }

  /** Delivers parked messages and terminal signals to the current consumer as demand allows. */
  private synchronized void drain() {
    Consumer c = current;
    if (c == null || c.emitting) {
      return;
    }
    c.emitting = true;
    try {
      for (;;) {
        while (c == current && c.requested > 0 && !parked.isEmpty()) {
          Object m = parked.poll();
          c.requested--;
          try {
            c.actual.onNext(m);
          } finally {
            ReferenceCountUtil.release(m);
          }
        }
        if (c != current) {
          return;
        }
        if (parked.isEmpty() && done) {
          current = null;
          if (failure != null) {
            c.actual.onError(failure);
          } else {
            c.actual.onComplete();
          }
          return;
        }
        // Ask upstream for what the consumer wants beyond what is already asked for. The source may
        // answer synchronously; what it sends meanwhile is parked and delivered by the next turn.
        if (upstream != null && c.requested > outstanding) {
          long more = c.requested - outstanding;
          outstanding = c.requested;
          upstream.request(more);
          continue;
        }
        if (parked.isEmpty() || c.requested == 0) {
          return;
        }
      }
    } finally {
      c.emitting = false;
    }
  }

  private synchronized void onUpstreamNext(Object m) {
    Consumer c = current;
    if (disposed) {
      return; // reactor-netty releases it after this returns
    }
    outstanding = Math.max(0, outstanding - 1);
    if (c != null && c.requested > 0 && parked.isEmpty() && !c.emitting) {
      c.requested--;
      c.emitting = true;
      try {
        c.actual.onNext(m);
      } finally {
        c.emitting = false;
      }
      drain();
    } else {
      parked.add(ReferenceCountUtil.retain(m));
      drain();
    }
  }

  private final class Upstream implements Subscriber<Object> {
    @Override
    public void onSubscribe(Subscription s) {
      synchronized (InboundHandoff.this) {
        upstream = s;
      }
      drain();
    }

    @Override
    public void onNext(Object o) {
      onUpstreamNext(o);
    }

    @Override
    public void onError(Throwable t) {
      synchronized (InboundHandoff.this) {
        done = true;
        failure = t;
      }
      drain();
    }

    @Override
    public void onComplete() {
      synchronized (InboundHandoff.this) {
        done = true;
      }
      drain();
    }
  }

  private final class Consumer implements Subscription {
    final Subscriber<? super Object> actual;
    long requested;
    boolean emitting;

    Consumer(Subscriber<? super Object> actual) {
      this.actual = actual;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        return;
      }
      synchronized (InboundHandoff.this) {
        requested = Operators.addCap(requested, n);
      }
      drain();
    }

    @Override
    public void cancel() {
      synchronized (InboundHandoff.this) {
        if (current == this) {
          current = null;
        }
      }
    }
  }
}
