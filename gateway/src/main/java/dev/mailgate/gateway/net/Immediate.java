package dev.mailgate.gateway.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code flatMap} for answers that are usually known already: a synchronous policy chain's shared
 * {@code Mono.just(ALLOW)}, a configured domain. When the source holds its value ({@code
 * Mono.just}, {@code Mono.empty}, {@code Mono.error}) the function is applied at once, so a
 * session's command that needs no lookup assembles and subscribes no operator; otherwise this is
 * the usual {@code flatMap}, after a hop back to the session's event loop when one is given.
 */
public final class Immediate {

  private Immediate() {}

  /** {@code source.onErrorReturn(fallback)}, leaving a source that holds its value as it is. */
  public static <T> Mono<T> onErrorReturn(Mono<T> source, T fallback) {
    if (source instanceof Fuseable.ScalarCallable<?> known) {
      try {
        known.call();
        return source;
      } catch (Throwable e) {
        Exceptions.throwIfFatal(e);
        return Mono.just(fallback);
      }
    }
    return source.onErrorReturn(fallback);
  }

  /** {@code source.flatMap(then)}, applied now when the source's value is already there. */
  public static <T, R> Mono<R> flatMap(Mono<T> source, Function<? super T, ? extends Mono<? extends R>> then) {
    return flatMapOn(source, null, then);
  }

  /**
   * {@code source.publishOn(loop).flatMap(then)} for a handling's last step: {@code then} applied
   * now when the source's value is already there, else on {@code loop} once it comes, by one
   * subscriber ({@link OnLoop}) rather than publishOn's and flatMap's.
   */
  public static <T> Mono<Void> thenOn(Mono<T> source, EventExecutor loop, Function<? super T, Mono<Void>> then) {
    return thenOn(source, loop, then, v -> { });
  }

  /**
   * {@link #thenOn(Mono, EventExecutor, Function)} for an answer that holds something (a backend
   * connection, a buffer): one that comes after a cancel, or while the hop to {@code loop} waited,
   * goes to {@code dropped} instead of {@code then}.
   */
  public static <T> Mono<Void> thenOn(Mono<T> source, EventExecutor loop, Function<? super T, Mono<Void>> then,
      Consumer<? super T> dropped) {
    if (source instanceof Fuseable.ScalarCallable<?>) {
      return flatMapOn(source, null, then);
    }
    return new OnLoop<>(source, loop, then, dropped);
  }

  /**
   * {@code source.publishOn(loop).flatMap(then)}, or {@code then} applied now (on the calling
   * thread, the session's loop) when the source's value is already there.
   */
  @SuppressWarnings("unchecked")
  public static <T, R> Mono<R> flatMapOn(Mono<T> source, Scheduler loop,
      Function<? super T, ? extends Mono<? extends R>> then) {
    if (source instanceof Fuseable.ScalarCallable<?> known) {
      try {
        T value = (T) known.call();
        return value == null ? Mono.empty() : (Mono<R>) then.apply(value); // flatMap's errors, not thrown
      } catch (Throwable e) {
        Exceptions.throwIfFatal(e);
        return Mono.error(Exceptions.unwrap(e));
      }
    }
    Mono<T> on = loop == null ? source : source.publishOn(loop);
    return on.flatMap(then);
  }
}
