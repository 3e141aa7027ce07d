package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.gateway.net.EventLoops;
import io.netty.channel.EventLoop;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * One subscription to a command group relayed to the backend, as a single object: it writes the
 * commands on the backend connection's event loop, awaits the replies one after the other as the
 * {@link ReplyReader.Awaiting} of the reader, and gives its subscriber one outcome. It replaces a
 * chain of operators assembled and subscribed per command (defer, the write's Mono, then, flatMap,
 * map, onErrorResume and a Mono per awaited reply), which the relay paid for every message
 * (docs/performance.md, the SMTP relay's cost per message).
 *
 * <p>{@link #begin} runs on the connection's event loop once subscribed. The outcome is emitted
 * once it is both known and requested. Cancelling while the backend still owes replies closes the
 * connection: the replies it still sends would otherwise be taken as the answers to the next
 * transaction's commands.
 */
abstract class ReplyCall<T> extends ReplyReader.Awaiting implements Subscription, Runnable {
  final SmtpWire wire;
  final CoreSubscriber<? super T> actual;
  private volatile boolean cancelled;
  // guarded by this
  private boolean requested;
  private boolean finished;
  private T outcome;

  ReplyCall(SmtpWire wire, CoreSubscriber<? super T> actual) {
    this.wire = wire;
    this.actual = actual;
  }

  /** Called by the Mono's subscribe: hands the subscription over and starts on the loop. */
  final void start() {
    actual.onSubscribe(this);
    EventLoops.run(loop(), this);
  }

  final EventLoop loop() {
    return wire.connection().connection().channel().eventLoop();
  }

  @Override
  public final void run() {
    if (!cancelled) {
      begin();
    }
  }

  /** Writes the commands and awaits the first reply; on the loop. */
  abstract void begin();

  /** The subscriber went away before the outcome: stop what is under way (on the loop). */
  abstract void stop();

  final boolean isCancelled() {
    return cancelled;
  }

  final synchronized boolean isFinished() {
    return finished;
  }

  /** The outcome; later ones are ignored. */
  final void complete(T value) {
    terminate(value, null);
  }

  final void fail(Throwable t) {
    terminate(null, t);
  }

  private void terminate(T value, Throwable t) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      if (!requested && t == null) {
        outcome = value;
        return;
      }
    }
    emit(value, t);
  }

  private void emit(T value, Throwable t) {
    if (cancelled) {
      return;
    }
    if (t != null) {
      actual.onError(t);
    } else {
      actual.onNext(value);
      actual.onComplete();
    }
  }

  @Override
  public final void request(long n) {
    T value;
    synchronized (this) {
      if (requested || n <= 0) {
        return;
      }
      requested = true;
      if (outcome == null) {
        return;
      }
      value = outcome;
      outcome = null;
    }
    emit(value, null);
  }

  @Override
  public final void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    EventLoops.run(loop(), () -> {
      wire.replies().forget(this);
      if (!isFinished()) {
        stop();
      }
    });
  }
}
