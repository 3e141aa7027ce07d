package dev.mailgate.gateway.local.imap;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Carries a streamed APPEND literal from the session's serial inbound processing into the store's
 * {@code append(Flux<ByteBuffer>)} with backpressure: {@link #push} completes only while the store
 * keeps up (at most {@link #AHEAD} chunks wait here), so the session stops reading the socket when
 * the disk is slower than the client. When the store gives up ({@link #kill()}), further chunks are
 * dropped at once so the session can read on to the end of the literal.
 */
final class ChunkPipe {
  /** Chunks buffered ahead of the store's demand. */
  static final int AHEAD = 2;

  private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
  private FluxSink<ByteBuffer> sink;
  private long demand;
  private boolean completed;
  private boolean dead;
  private MonoSink<Void> waiter;

  /** The message for the store; subscribe once. */
  Flux<ByteBuffer> flux() {
    return Flux.create(s -> {
      synchronized (this) {
        sink = s;
      }
      s.onRequest(n -> {
        MonoSink<Void> w;
        synchronized (this) {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
          drain();
          w = release();
        }
        if (w != null) {
          w.success();
        }
      });
      s.onCancel(this::kill);
    });
  }

  /** Hands one chunk over; completes when there is room for the next. */
  Mono<Void> push(ByteBuffer chunk) {
    return Mono.create(ms -> {
      boolean ready;
      synchronized (this) {
        if (dead) {
          ready = true;
        } else {
          queued.add(chunk);
          drain();
          ready = queued.size() < AHEAD;
          if (!ready) {
            waiter = ms;
          }
        }
      }
      if (ready) {
        ms.success();
      }
    });
  }

  /** The literal ended. */
  void complete() {
    synchronized (this) {
      completed = true;
      drain();
    }
  }

  /** The store stopped consuming: drop what is queued and anything that comes. */
  void kill() {
    MonoSink<Void> w;
    synchronized (this) {
      dead = true;
      queued.clear();
      w = waiter;
      waiter = null;
    }
    if (w != null) {
      w.success();
    }
  }

  private void drain() {
    while (sink != null && demand > 0 && !queued.isEmpty()) {
      demand--;
      sink.next(queued.poll());
    }
    if (sink != null && completed && queued.isEmpty()) {
      sink.complete();
    }
  }

  private MonoSink<Void> release() {
    if (waiter != null && queued.size() < AHEAD) {
      MonoSink<Void> w = waiter;
      waiter = null;
      return w;
    }
    return null;
  }
}
