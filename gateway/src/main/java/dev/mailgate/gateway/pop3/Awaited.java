package dev.mailgate.gateway.pop3;

import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One asynchronous step of a session written as event-loop code (a policy lookup, a login being
 * checked, a TLS handshake): the one subscriber of a {@code Mono}, handing its value, its empty
 * end or its error to the session, once. Not fire-and-forget: the session keeps it and disposes
 * of it when it ends, which cancels the step (a login's backend connection is then closed, its
 * throttle slot given back). A value may still arrive after that (the step had finished as it was
 * cancelled): the session must give back what it holds. The callbacks run on whatever thread the
 * Mono signals on.
 */
final class Awaited<V> implements CoreSubscriber<V>, Disposable {

  private final Consumer<V> onValue;
  private final Runnable onEmpty;
  private final Consumer<Throwable> onError;
  private volatile Subscription subscription;
  /** A callback ran (or is running). */
  private volatile boolean done;
  private volatile boolean disposed;

  private Awaited(Consumer<V> onValue, Runnable onEmpty, Consumer<Throwable> onError) {
    this.onValue = onValue;
    this.onEmpty = onEmpty;
    this.onError = onError;
  }

  /** Subscribes to {@code step}; at most one callback runs (none for a step cancelled before it signals). */
  static <V> Awaited<V> await(Mono<V> step, Consumer<V> onValue, Runnable onEmpty, Consumer<Throwable> onError) {
    Awaited<V> a = new Awaited<>(onValue, onEmpty, onError);
    step.subscribe(a);
    return a;
  }

  @Override
  public void onSubscribe(Subscription s) {
    if (Operators.validate(subscription, s)) {
      subscription = s;
      if (disposed) {
        s.cancel(); // disposed while subscribing
      } else {
        s.request(1);
      }
    }
  }

  @Override
  public void onNext(V value) {
    if (!done) {
      done = true;
      onValue.accept(value);
    }
  }

  @Override
  public void onError(Throwable t) {
    if (done) {
      Operators.onErrorDropped(t, currentContext());
      return;
    }
    done = true;
    onError.accept(t);
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
      onEmpty.run();
    }
  }

  /** Cancels the step (a value already on its way may still be handed over). */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
