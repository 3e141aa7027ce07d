package dev.mailgate.gateway.net;

import io.netty.channel.EventLoop;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A session's inbound messages, handled one at a time: a message's handling (a {@code Mono}) runs
 * to its end before the next message is asked for, so a pipelined command waits in the socket
 * until the one before it is answered (RFC 2920, RFC 9051 5.5). This is {@code
 * inbound.concatMap(handler, 0)} with a hook after each handling, written out: most handlings end
 * as they return (a reply written, {@code Mono.empty()}), and for those the next message is asked
 * for at once, with no inner subscriber, {@code doFinally} or loop task per message; only a
 * handling that waits for something (a backend, a store) is subscribed to.
 *
 * <p>Messages arrive on the connection's event loop; the hook and the next request run there too,
 * hopping back when a handling ends elsewhere. Completes when the inbound does and the last
 * handling has ended; an error of either ends it with that error, as {@code concatMap} would.
 * Messages follow reactor-netty's rule: released after {@code onNext} returns, so a handler that
 * keeps one must retain it.
 *
 * <p>A session whose dialogue ends before its connection does (a proxy's pre-login dialogue, after
 * which the relay reads the same inbound) says so with {@code over}: asked after each handling's
 * hook, true cancels the inbound without asking for more and completes the loop, as {@code
 * concatMap(..).filter(done -> done).next()} would.
 */
public final class CommandLoop extends Mono<Void> {

  private final Publisher<Object> inbound;
  private final Function<Object, Mono<Void>> handler;
  private final Runnable afterEach;
  private final EventLoop loop;
  private final BooleanSupplier over;

  private static final BooleanSupplier NEVER = () -> false;

  /**
   * @param afterEach runs on {@code loop} after each handling, however it ended (success, error or
   *     cancel), before the next message is asked for
   */
  public CommandLoop(Publisher<Object> inbound, Function<Object, Mono<Void>> handler, Runnable afterEach,
      EventLoop loop) {
    this(inbound, handler, afterEach, loop, NEVER);
  }

  /**
   * @param over asked on {@code loop} after each handling that ended well, after {@code
   *     afterEach}: true ends the loop there (the inbound is cancelled, nothing more is asked for,
   *     and the loop completes)
   */
  public CommandLoop(Publisher<Object> inbound, Function<Object, Mono<Void>> handler, Runnable afterEach,
      EventLoop loop, BooleanSupplier over) {
    this.inbound = inbound;
    this.handler = handler;
    this.afterEach = afterEach;
    this.loop = loop;
    this.over = over;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Run run = new Run(actual);
    actual.onSubscribe(run);
    inbound.subscribe(run);
  }

  private final class Run implements CoreSubscriber<Object>, Subscription {
    private final CoreSubscriber<? super Void> actual;
    private Subscription upstream;
    /** The handling being waited for, or null when none is. */
    private Handling waiting;
    /** The inbound completed while a handling was being waited for. */
    private boolean inboundDone;
    private boolean terminated;
    private volatile boolean cancelled;

    Run(CoreSubscriber<? super Void> actual) {
      this.actual = actual;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        if (cancelled) {
          s.cancel();
        } else {
          s.request(1);
        }
      }
    }

    @Override
    public void onNext(Object msg) {
      if (terminated || cancelled) {
        return;
      }
      Mono<Void> handling;
      try {
        handling = handler.apply(msg);
      } catch (Throwable t) {
        afterEach.run();
        upstream.cancel();
        fail(t);
        return;
      }
      if (handling == Mono.<Void>empty()) {
        ended();
        return;
      }
      Handling h = new Handling();
      waiting = h;
      handling.subscribe(h);
    }

    /** A handling ended (on the loop): the hook, then the next message or the end. */
    void ended() {
      waiting = null;
      afterEach.run();
      if (terminated || cancelled) {
        return;
      }
      if (over.getAsBoolean()) {
        terminated = true;
        upstream.cancel();
        actual.onComplete();
        return;
      }
      if (inboundDone) {
        terminated = true;
        actual.onComplete();
      } else {
        upstream.request(1);
      }
    }

    void failed(Throwable t) {
      waiting = null;
      afterEach.run();
      upstream.cancel();
      fail(t);
    }

    private void fail(Throwable t) {
      if (terminated || cancelled) {
        Operators.onErrorDropped(t, actual.currentContext());
        return;
      }
      terminated = true;
      actual.onError(t);
    }

    @Override
    public void onError(Throwable t) {
      Handling h = waiting;
      if (h != null) {
        waiting = null;
        h.cancel();
        afterEach.run();
      }
      fail(t);
    }

    @Override
    public void onComplete() {
      if (waiting != null) {
        inboundDone = true;
      } else if (!terminated && !cancelled) {
        terminated = true;
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      // a Mono<Void> emits no value: demand changes nothing
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      onLoop(() -> {
        Handling h = waiting;
        if (h != null) {
          waiting = null;
          h.cancel();
          afterEach.run();
        }
      });
    }

    private void onLoop(Runnable task) {
      EventLoops.run(loop, task);
    }

    /** Waits for one handling that did not end as it returned. */
    private final class Handling implements CoreSubscriber<Void> {
      private Subscription subscription;
      private boolean done;

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(Void v) {
        // a Mono<Void> has no value
      }

      @Override
      public void onComplete() {
        onLoop(() -> {
          if (!done && waiting == this) {
            done = true;
            ended();
          }
        });
      }

      @Override
      public void onError(Throwable t) {
        onLoop(() -> {
          if (!done && waiting == this) {
            done = true;
            failed(t);
          } else {
            Operators.onErrorDropped(t, actual.currentContext());
          }
        });
      }

      void cancel() {
        done = true;
        if (subscription != null) {
          subscription.cancel();
        }
      }

      @Override
      public reactor.util.context.Context currentContext() {
        return actual.currentContext();
      }
    }

    @Override
    public reactor.util.context.Context currentContext() {
      return actual.currentContext();
    }
  }
}
