package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Per-mailbox change streams. Events are emitted by the single writer thread right after commit
 * (so emission is serialised and in commit order) into a multicast sink; every subscriber has its
 * own bounded backlog of {@code backlog} events and receives them on the writer thread, before the
 * write's caller hears of the commit (so a session that learns another's change was acknowledged
 * already holds the event). Subscribers must only hand the event over; one that falls behind never
 * stalls the writer and never silently misses an event (it fails instead).
 */
final class ChangeBus {
  private final ConcurrentMap<Long, Sinks.Many<MailboxEvent>> sinks = new ConcurrentHashMap<>();
  private final int backlog;

  ChangeBus(int backlog) {
    this.backlog = backlog;
  }

  Flux<MailboxEvent> events(MailboxId id) {
    return Flux.defer(() -> sink(id.value()).asFlux())
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

  private Sinks.Many<MailboxEvent> sink(long id) {
    return sinks.computeIfAbsent(id, k -> Sinks.many().multicast().directBestEffort());
  }
}
