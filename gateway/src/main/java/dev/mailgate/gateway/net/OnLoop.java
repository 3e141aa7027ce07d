package dev.mailgate.gateway.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@code source.publishOn(loop).flatMap(then)} for a session's handling that waits for one
 * answer (a backend's reply to RCPT, a domain lookup) and then writes its own reply: one
 * subscriber per subscription where publishOn and flatMap made four objects and a lambda. The
 * answer hops to {@code loop}, at no cost when it arrives there already (a relayed backend
 * connection usually shares the session's loop); {@code then} runs there, and its Mono is
 * subscribed only when it does not end as it returns (a reply written to a client that is not
 * reading). An empty source completes; an error, of the source or of {@code then}, is passed on
 * from the loop. Cancelling cancels the source, or {@code then}'s Mono once it is waited for, and
 * drops a later answer, handing it to {@code dropped} (an answer that holds a connection or a
 * buffer is given back there).
 */
final class OnLoop<T> extends Mono<Void> {
  private final Mono<T> source;
  private final EventExecutor loop;
  private final Function<? super T, Mono<Void>> then;
  private final Consumer<? super T> dropped;

  OnLoop(Mono<T> source, EventExecutor loop, Function<? super T, Mono<Void>> then, Consumer<? super T> dropped) {
    this.source = source;
    this.loop = loop;
    this.then = then;
    this.dropped = dropped;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    source.subscribe(new Main<>(actual, loop, then, dropped));
  }

  private static final class Main<T> implements CoreSubscriber<T>, Subscription {
    private final CoreSubscriber<? super Void> actual;
    private final EventExecutor loop;
    private final Function<? super T, Mono<Void>> then;
    private final Consumer<? super T> dropped;
    private Subscription upstream;
    /** The source signalled (any thread): later signals are dropped. */
    private boolean answered;
    /** Touched on the loop: nothing more goes downstream. */
    private boolean done;
    private volatile boolean cancelled;
    /** {@code then}'s Mono when it had to be waited for: cancelled with this. */
    private volatile Disposable inner;

    Main(CoreSubscriber<? super Void> actual, EventExecutor loop, Function<? super T, Mono<Void>> then,
        Consumer<? super T> dropped) {
      this.actual = actual;
      this.loop = loop;
      this.then = then;
      this.dropped = dropped;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
        s.request(1);
      }
    }

    @Override
    public void onNext(T value) {
      if (answered) {
        Operators.onNextDropped(value, actual.currentContext());
        return;
      }
      answered = true;
      if (loop.inEventLoop()) {
        apply(value); // no task, and no lambda, for the usual case
      } else {
        loop.execute(() -> apply(value));
      }
    }

    @Override
    public void onError(Throwable t) {
      if (answered) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      answered = true;
      EventLoops.run(loop, () -> terminate(t));
    }

    @Override
    public void onComplete() {
      if (answered) {
        return; // after the value: apply ends the subscriber
      }
      answered = true;
      if (loop.inEventLoop()) {
        terminate(null);
      } else {
        loop.execute(() -> terminate(null));
      }
    }

    private void apply(T value) {
      if (done || cancelled) {
        dropped.accept(value);
        return;
      }
      Mono<Void> next;
      try {
        next = then.apply(value);
      } catch (Throwable t) {
        terminate(t);
        return;
      }
      if (next == Mono.<Void>empty()) {
        terminate(null);
        return;
      }
      done = true;
      Disposable d = next.subscribe(null, actual::onError, actual::onComplete);
      inner = d;
      if (cancelled) {
        d.dispose(); // cancelled from another thread while it was being subscribed
      }
    }

    private void terminate(Throwable error) {
      if (done || cancelled) {
        return;
      }
      done = true;
      if (error == null) {
        actual.onComplete();
      } else {
        actual.onError(error);
      }
    }

    @Override
    public void request(long n) {
      // a Mono<Void> emits no value
    }

    @Override
    public void cancel() {
      cancelled = true;
      upstream.cancel();
      Disposable d = inner;
      if (d != null) {
        d.dispose(); // a reply write, or the next lookup then's handling waits for
      }
    }

    @Override
    public reactor.util.context.Context currentContext() {
      return actual.currentContext();
    }
  }
}
