package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.codec.smtp.SmtpReplyDecoder;
import dev.mailgate.gateway.backend.BackendConnection;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

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
  private final ArrayDeque<SmtpReply> replies = new ArrayDeque<>();
  private final ArrayDeque<MonoSink<SmtpReply>> waiters = new ArrayDeque<>();
  private final Runnable onFailure;
  private SmtpReplyDecoder decoder;
  /** Bytes of an incomplete reply line, or null; guarded by this. */
  private ByteBuf partial;
  /** The list replies are decoded into, reused from read to read (null while one is in use). */
  private List<Object> spare = new ArrayList<>(4);
  private Throwable failure;
  private Disposable subscription;
  /** The connection's event loop, where reply timers run (set by {@link #attach}). */
  private volatile ScheduledExecutorService timers;

  ReplyReader(BackendSmtpLimits limits, Runnable onFailure) {
    this.codecLimits = limits.codec();
    this.maxQueued = limits.maxQueuedReplies();
    this.onFailure = onFailure;
    this.decoder = new SmtpReplyDecoder(codecLimits);
  }

  /** Starts reading the connection's inbound stream (once). */
  void attach(BackendConnection connection) {
    timers = connection.connection().channel().eventLoop();
    subscription =
        connection.receive()
            .subscribe(
                this::onMessage,
                this::fail,
                () -> fail(new BackendClosed("backend closed the connection")));
    // The channel closing is the reliable signal: the inbound stream may not complete on its own.
    connection.connection().onDispose(() -> fail(new BackendClosed("backend connection closed")));
  }

  /**
   * The next reply, failing with {@link TimeoutException} (and failing the reader) after {@code
   * timeout}. The timer runs on the connection's event loop, where the reply arrives: set and
   * cancelled there once per reply, it costs no other thread a wake-up (reactor's {@code timeout}
   * on the parallel scheduler cost two per reply).
   */
  Mono<SmtpReply> next(Duration timeout) {
    ScheduledExecutorService t = timers;
    if (t == null) {
      return Mono.<SmtpReply>create(this::await)
          .timeout(timeout, Mono.defer(() -> Mono.error(expired(timeout))));
    }
    return Mono.create(sink -> {
      if (await(sink)) {
        ScheduledFuture<?> timer = t.schedule(() -> expire(sink, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        sink.onDispose(() -> timer.cancel(false));
      }
    });
  }

  private void expire(MonoSink<SmtpReply> sink, Duration timeout) {
    boolean waiting;
    synchronized (this) {
      waiting = waiters.contains(sink);
    }
    if (waiting) {
      expired(timeout); // fails every waiter, this one included
    }
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

  /** Answers {@code sink} at once if it can; else queues it and returns true (it waits). */
  private boolean await(MonoSink<SmtpReply> sink) {
    SmtpReply ready;
    Throwable failed;
    synchronized (this) {
      ready = replies.poll();
      failed = failure;
      if (ready == null && failed == null) {
        waiters.add(sink);
        sink.onCancel(() -> remove(sink));
        return true;
      }
    }
    if (ready != null) {
      sink.success(ready);
    } else {
      sink.error(failed);
    }
    return false;
  }

  private synchronized void remove(MonoSink<SmtpReply> sink) {
    waiters.remove(sink);
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
    MonoSink<SmtpReply> waiter;
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
      waiter.success(reply);
    } else {
      fail(new BackendProtocolError("backend sent more than " + maxQueued + " unsolicited replies"));
    }
  }

  private void fail(Throwable t) {
    ArrayDeque<MonoSink<SmtpReply>> failing;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = t;
      failing = new ArrayDeque<>(waiters);
      waiters.clear();
      replies.clear();
      releasePartial();
    }
    failing.forEach(w -> w.error(t));
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
