package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.codec.smtp.SmtpReplyDecoder;
import dev.mailgate.gateway.backend.BackendConnection;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.Connection;

/**
 * The backend's replies in order, decoded with {@link SmtpReplyDecoder} (RFC 5321 4.2) from the
 * connection's inbound bytes. Replies are queued until a command awaits them, which is what RFC
 * 2920 pipelining needs: the commands of a group are written at once and their replies read in turn.
 *
 * <p>Bounds: at most {@link BackendSmtpLimits#maxQueuedReplies()} replies queued; a reply line over
 * the codec's limit, a malformed reply, more queued replies, the connection closing or a reply not
 * arriving in time all fail every waiter and the reader for good (the session is then unusable).
 *
 * <p>The decoder runs on bytes this reader keeps itself ({@link SmtpReplyDecoder#decodeAvailable}),
 * not in the connection's pipeline, so replies decode the same whether the greeting arrived before
 * this reader was attached or after, and STARTTLS can drop anything the backend sent after its 220
 * ({@link #discardBuffered()}). It used to run in an {@code EmbeddedChannel} of its own per
 * connection: a second pipeline to pass every read through, and a queue per read to carry the
 * replies out, which was a measurable part of the relay's cost per message. Bytes are kept only
 * while a reply line is incomplete, at most the codec's line limit.
 */
final class ReplyReader {

  private final SmtpLimits codecLimits;
  private final int maxQueued;
  private final Duration commandTimeout;
  /** {@link #next} with the command timeout, the one almost every reply is awaited with. */
  private final Mono<SmtpReply> nextCommandReply;
  private final ArrayDeque<SmtpReply> replies = new ArrayDeque<>();
  private final ArrayDeque<Awaiting> waiters = new ArrayDeque<>();
  private final Runnable onFailure;
  private SmtpReplyDecoder decoder;
  /** Bytes of an incomplete reply line, or null; guarded by this. */
  private ByteBuf partial;
  /** The list replies are decoded into, reused from read to read (null while one is in use). */
  private List<Object> spare = new ArrayList<>(4);
  private Throwable failure;
  private Disposable subscription;
  /** The connection's event loop, where the reply timer runs and whose clock it reads (set by {@link #attach}). */
  private volatile EventExecutor loop;
  /** The one timer over every waiter's deadline, or null; guarded by this. */
  private ScheduledFuture<?> timer;
  /** When {@link #timer} fires, on the loop's clock; guarded by this. */
  private long timerAt;

  ReplyReader(BackendSmtpLimits limits, Runnable onFailure) {
    this.codecLimits = limits.codec();
    this.maxQueued = limits.maxQueuedReplies();
    this.commandTimeout = limits.commandTimeout();
    this.nextCommandReply = new Next(commandTimeout);
    this.onFailure = onFailure;
    this.decoder = new SmtpReplyDecoder(codecLimits);
  }

  /** Starts reading the connection's inbound stream (once). */
  void attach(BackendConnection connection) {
    attach(connection.receive(), connection.connection());
  }

  /** {@link #attach(BackendConnection)} on the stream and channel themselves (tests). */
  void attach(Flux<Object> inbound, Connection connection) {
    loop = connection.channel().eventLoop();
    subscription =
        inbound.subscribe(
            this::onMessage,
            this::fail,
            () -> fail(new BackendClosed("backend closed the connection")));
    // The channel closing is the reliable signal: the inbound stream may not complete on its own.
    connection.onDispose(() -> fail(new BackendClosed("backend connection closed")));
  }

  /**
   * The next reply, failing with {@link TimeoutException} (and failing the reader) after {@code
   * timeout}. Every waiter's deadline is watched by one timer on the connection's event loop, set
   * when the earliest deadline moves closer and otherwise left alone: a reply costs no timer of its
   * own (setting and cancelling one per reply was a scheduled task and its queue work for every
   * command relayed; reactor's {@code timeout} on the parallel scheduler before that also woke
   * another thread twice per reply).
   */
  Mono<SmtpReply> next(Duration timeout) {
    return timeout.equals(commandTimeout) ? nextCommandReply : new Next(timeout);
  }

  /**
   * The next reply as a Mono: each subscription is one {@link Waiter}. The relay's own command
   * groups await with {@link #await(Awaiting, Duration)} instead, one object for the whole group.
   */
  private final class Next extends Mono<SmtpReply> {
    private final Duration timeout;

    Next(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public void subscribe(CoreSubscriber<? super SmtpReply> actual) {
      Waiter w = new Waiter(actual);
      actual.onSubscribe(w);
      if (!w.isCancelled()) { // cancelled as it subscribed: nothing to take
        await(w.entry, timeout);
      }
    }
  }

  /**
   * Something waiting for the next reply until its deadline (the loop's clock): {@link #reply} or
   * {@link #failed} is called once per {@link #await}, on the thread that delivered the reply (the
   * connection's event loop) or, when one was queued already, on the thread that awaited. To wait
   * for several replies, await again from {@link #reply}: replies keep their order.
   */
  abstract static class Awaiting {
    private Duration timeout;
    private long deadline;

    abstract void reply(SmtpReply reply);

    abstract void failed(Throwable t);
  }

  /**
   * A subscriber of {@link Next} waiting for its reply. Takes care of the subscriber's demand and
   * of a reply racing a cancel ({@link Operators.MonoSubscriber}); a cancelled waiter leaves the
   * queue at once.
   */
  private final class Waiter extends Operators.MonoSubscriber<SmtpReply, SmtpReply> {
    final Awaiting entry = new Awaiting() {
      @Override
      void reply(SmtpReply reply) {
        complete(reply);
      }

      @Override
      void failed(Throwable t) {
        if (!isCancelled()) {
          actual.onError(t);
        }
      }
    };

    Waiter(CoreSubscriber<? super SmtpReply> actual) {
      super(actual);
    }

    @Override
    public void cancel() {
      super.cancel();
      forget(entry);
    }
  }

  /** The timer fired: fails the reader if a waiter is past its deadline, else waits for the next. */
  private void checkDeadlines() {
    Awaiting late = null;
    synchronized (this) {
      timer = null;
      long now = now();
      long next = Long.MAX_VALUE;
      for (Awaiting w : waiters) {
        if (w.deadline - now <= 0) {
          late = w;
          break;
        }
        next = Math.min(next, w.deadline);
      }
      if (late == null && next != Long.MAX_VALUE) {
        arm(next);
      }
    }
    if (late != null) {
      expired(late.timeout); // fails every waiter, this one included
    }
  }

  /** Makes sure the timer fires by {@code deadline}; under this reader's lock. */
  private void arm(long deadline) {
    if (timer != null && timerAt - deadline <= 0) {
      return; // it fires first, and re-arms for what is still waiting then
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = deadline;
    timer = loop.schedule(this::checkDeadlines, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
  }

  private long now() {
    return loop.ticker().nanoTime();
  }

  private TimeoutException expired(Duration timeout) {
    TimeoutException t = new TimeoutException("no reply from the backend within " + timeout);
    fail(t);
    return t;
  }

  /** Drops bytes received but not yet decoded, and queued replies (RFC 3207 4.2 after STARTTLS's 220). */
  synchronized void discardBuffered() {
    decoder = new SmtpReplyDecoder(codecLimits);
    releasePartial();
    replies.clear();
  }

  /** Under this reader's lock. */
  private void releasePartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }

  synchronized boolean failed() {
    return failure != null;
  }

  void dispose() {
    fail(new BackendClosed("backend session closed"));
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
  }

  /**
   * Gives {@code w} the next reply, at once when one is queued (or the reader failed), else when it
   * arrives; failing the reader if none came within {@code timeout}.
   */
  void await(Awaiting w, Duration timeout) {
    SmtpReply ready;
    Throwable failed;
    synchronized (this) {
      ready = replies.poll();
      failed = failure;
      if (ready == null && failed == null) {
        w.timeout = timeout;
        w.deadline = now() + timeout.toNanos();
        waiters.add(w);
        arm(w.deadline);
        return;
      }
    }
    if (ready != null) {
      w.reply(ready);
    } else {
      w.failed(failed);
    }
  }

  /** {@code w} waits no more (cancelled); a reply meant for it would be queued for the next one. */
  synchronized void forget(Awaiting w) {
    waiters.remove(w);
  }

  private void onMessage(Object message) {
    if (!(message instanceof ByteBuf buf)) {
      return; // reactor-netty releases it after this returns
    }
    List<Object> decoded;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      decoded = spare;
      spare = null;
      if (decoded == null) {
        decoded = new ArrayList<>(4); // a reply delivered from inside another read
      }
      ByteBuf in = partial == null ? buf.retain()
          : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(buf.alloc(), partial, buf.retain());
      partial = null;
      try {
        decoder.decodeAvailable(in, decoded);
      } finally {
        if (in.isReadable()) {
          partial = in; // an incomplete line, within the codec's limit
        } else {
          in.release();
        }
      }
    }
    try {
      for (Object o : decoded) {
        if (o instanceof SmtpReply reply) {
          deliver(reply);
        } else if (o instanceof DecodeFailure f) {
          fail(new BackendProtocolError("bad reply from the backend: " + f));
        } else {
          ReferenceCountUtil.release(o);
        }
      }
    } finally {
      decoded.clear();
      synchronized (this) {
        spare = decoded;
      }
    }
  }

  private void deliver(SmtpReply reply) {
    Awaiting waiter;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      waiter = waiters.poll();
      if (waiter == null) {
        if (replies.size() >= maxQueued) {
          waiter = null;
        } else {
          replies.add(reply);
          return;
        }
      }
    }
    if (waiter != null) {
      waiter.reply(reply);
    } else {
      fail(new BackendProtocolError("backend sent more than " + maxQueued + " unsolicited replies"));
    }
  }

  private void fail(Throwable t) {
    ArrayDeque<Awaiting> failing;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = t;
      failing = new ArrayDeque<>(waiters);
      waiters.clear();
      replies.clear();
      releasePartial();
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
    failing.forEach(w -> w.failed(t));
    onFailure.run();
  }

  /** The backend closed its side. */
  static final class BackendClosed extends RuntimeException {
    BackendClosed(String message) {
      super(message, null, false, false);
    }
  }

  /** The backend broke the reply syntax or its bounds. */
  static final class BackendProtocolError extends RuntimeException {
    BackendProtocolError(String message) {
      super(message, null, false, false);
    }
  }
}
