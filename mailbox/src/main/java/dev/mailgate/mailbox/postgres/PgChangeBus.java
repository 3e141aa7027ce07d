package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * This node's per-mailbox change streams, fed only by the {@link PgListener} thread (so emission
 * is serialised and in the database's commit order, for local and remote changes alike). Every
 * subscriber has its own bounded backlog and receives on the listener thread, so it must only hand
 * the event over. When the listener
 * loses its connection, notifications may have been missed: every stream fails, and sessions
 * resynchronise as they do after a backlog overflow.
 */
final class PgChangeBus {
  private final ConcurrentMap<Long, Sinks.Many<MailboxEvent>> sinks = new ConcurrentHashMap<>();
  private final int backlog;

  PgChangeBus(int backlog) {
    this.backlog = backlog;
  }

  Flux<MailboxEvent> events(MailboxId id) {
    return Flux.defer(() -> sinks.computeIfAbsent(id.value(),
            k -> Sinks.many().multicast().<MailboxEvent>directBestEffort()).asFlux())
        .onBackpressureBuffer(backlog, dropped -> {}, BufferOverflowStrategy.ERROR);
  }

  void publish(MailboxEvent e) {
    Sinks.Many<MailboxEvent> s = sinks.get(e.mailbox().value());
    if (s != null) {
      s.tryEmitNext(e);
    }
    if (e instanceof MailboxEvent.Deleted) {
      Sinks.Many<MailboxEvent> gone = sinks.remove(e.mailbox().value());
      if (gone != null) {
        gone.tryEmitComplete();
      }
    }
  }

  void failAll(Throwable cause) {
    List<Sinks.Many<MailboxEvent>> all = new ArrayList<>(sinks.values());
    sinks.clear();
    all.forEach(s -> s.tryEmitError(cause));
  }
}
