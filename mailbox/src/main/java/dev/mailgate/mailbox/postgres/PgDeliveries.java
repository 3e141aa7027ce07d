package dev.mailgate.mailbox.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a write wait until this node's listener has handed the write's own events to local
 * subscribers, so that, as with the embedded store, a session sees the events of a change before
 * the change is acknowledged (an IMAP APPEND to the selected mailbox yields its EXISTS before the
 * tagged OK). Each transaction with events tags its last notification with a token unique to this
 * node; the listener completes the token's future after publishing that event.
 *
 * <p>While the listener is disconnected nobody would complete a future, so none is created; when
 * it disconnects, every pending one completes (the changes are committed; only their local echo
 * may be missing, and the bus has failed its streams for that).
 */
final class PgDeliveries {
  private final String node = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong seq = new AtomicLong();
  private final ConcurrentMap<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private volatile boolean listening;

  String nextToken() {
    return node + ":" + seq.incrementAndGet();
  }

  /** A future completed when the listener has published the event tagged {@code token}. */
  CompletableFuture<Void> expect(String token) {
    if (!listening) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    pending.put(token, f);
    if (!listening) {
      releaseAll(); // the listener went away meanwhile; don't leave f waiting
    }
    return f;
  }

  void forget(String token) {
    pending.remove(token);
  }

  void seen(String token) {
    CompletableFuture<Void> f = pending.remove(token);
    if (f != null) {
      f.complete(null);
    }
  }

  void listening(boolean on) {
    listening = on;
    if (!on) {
      releaseAll();
    }
  }

  private void releaseAll() {
    List<String> tokens = new ArrayList<>(pending.keySet());
    tokens.forEach(this::seen);
  }
}
