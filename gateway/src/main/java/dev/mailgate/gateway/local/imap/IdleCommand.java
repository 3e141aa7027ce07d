package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapStatus;
import io.netty.buffer.ByteBuf;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * IDLE (RFC 2177): after {@code + idling} every store event of the selected mailbox is reported at
 * once (the session's processing loop calls {@link #push()} as events arrive, so a delivery is
 * heard within the store's commit-to-event latency); {@code DONE} ends it. Any other line ends it
 * too, with a tagged {@code BAD} (RFC 2177 allows only DONE; Dovecot answers
 * {@code BAD Expected DONE.} and leaves IDLE), and the session carries on. The idle timeout is
 * raised to the configured IDLE timeout for the duration (RFC 9051 section 5.4: at least 30
 * minutes) and restored afterwards.
 */
final class IdleCommand {
  private final ImapSession session;
  private String tag;

  IdleCommand(ImapSession session) {
    this.session = session;
  }

  boolean active() {
    return tag != null;
  }

  Mono<Void> start(String idleTag) {
    tag = idleTag;
    session.context.idleTimeout(session.server.settings().idleTimeout());
    return session.send(List.of(ImapResponseEncoder.continuation(session.alloc, "idling")))
        .then(push());
  }

  /** Sends what is queued; expunges are allowed during IDLE. */
  Mono<Void> push() {
    return Mono.defer(() -> session.updates(true)).flatMap(session::send);
  }

  Mono<Void> done() {
    return session.complete(end(), null, "IDLE terminated");
  }

  /** A line other than DONE: IDLE ends, and this tagged BAD answers the IDLE command. */
  ByteBuf notDone() {
    return ImapResponseEncoder.tagged(session.alloc, end(), ImapStatus.BAD, null, "Expected DONE");
  }

  /** Leaves IDLE: the listener's idle timeout again; returns the IDLE command's tag. */
  private String end() {
    String t = tag;
    tag = null;
    session.context.idleTimeout(session.context.listener().idleTimeout());
    return t;
  }
}
