package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The store events of one session's selected mailbox, handed over on the committing thread.
 *
 * <p>Why not just merge the store's stream into the session's processing loop: the store completes
 * a write only after publishing its events, but a hop between that thread and the session's loop
 * let another session's command overtake them. A client that saw another session's STORE or APPEND
 * acknowledged and then sent NOOP could miss the change (RFC 3501 section 6.1.2 says NOOP is how a
 * client polls for updates). Here the event is in {@link #take}'s queue before the writer's
 * caller hears of the commit, so every later command boundary reports it; a wake-up still goes
 * through the loop so IDLE pushes at once.
 *
 * <p>Limit: {@link #MAX_QUEUED} events waiting for the session; beyond that the feed is lost and
 * the session says BYE (a client that never issues a command must not hold unbounded memory).
 */
final class ChangeFeed {
  /** Events queued for a session that has not reached a command boundary. */
  static final int MAX_QUEUED = 10_000;
  /** The item a wake-up puts into the session's processing loop. */
  static final Object WAKE = new Object();

  private final Queue<MailboxEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final Sinks.Many<Object> wakes = Sinks.many().unicast().onBackpressureBuffer();
  private volatile Throwable lost;
  private volatile Disposable following;

  /** Wake-ups for the session's processing loop: at most one outstanding at a time. */
  Flux<Object> wakes() {
    return wakes.asFlux();
  }

  /** Follows {@code mailbox} from now on (and stops following the previous one). */
  void follow(MailStore store, MailboxId mailbox) {
    stop();
    following = store.events(mailbox).subscribe(this::heard, this::failed);
  }

  void stop() {
    Disposable d = following;
    following = null;
    if (d != null) {
      d.dispose();
    }
  }

  /** Ends the wake-up stream (the session is over). */
  void close() {
    stop();
    wakes.tryEmitComplete();
  }

  /** Why the feed was lost (overflow, store failure), or null while it is whole. */
  Throwable lost() {
    return lost;
  }

  /** Called by the session's loop on {@link #WAKE}: the next change may wake it again. */
  void woken() {
    wakePending.set(false);
  }

  /** Hands every queued event to {@code sink}, in commit order. */
  void take(Consumer<MailboxEvent> sink) {
    MailboxEvent e;
    while ((e = queue.poll()) != null) {
      queued.decrementAndGet();
      sink.accept(e);
    }
  }

  private void heard(MailboxEvent e) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      failed(new IllegalStateException("more than " + MAX_QUEUED + " changes queued"));
      return;
    }
    queue.add(e);
    wake();
  }

  private void failed(Throwable error) {
    if (lost == null) {
      lost = error;
    }
    stop();
    wake();
  }

  private void wake() {
    if (wakePending.compareAndSet(false, true)) {
      // Emitters are the store's writer or listener thread; the guard makes contention rare, and
      // a brief spin resolves the one case left (an emitter still returning from the last wake).
      wakes.emitNext(WAKE, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }
  }
}
