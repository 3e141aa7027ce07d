package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.gateway.backend.Backend;
import java.time.Duration;
import java.util.Objects;

/**
 * One candidate backend for an IMAP login, with the IMAP-specific choices the route made.
 *
 * @param backend the backend (from {@code BackendConnector.backend(spec)})
 * @param conveyance how to tell the backend who the client is
 * @param master log in as this master user instead of with the client's credentials; null for
 *     pass-through
 * @param keepSessions how long a logged-in session may wait after its client's LOGOUT for the same
 *     user's next login ({@link ParkedLogins}); zero: never kept
 */
public record ImapBackend(Backend backend, ClientConveyance conveyance, MasterLogin master, Duration keepSessions) {

  /** The default of {@link #keepSessions}, as for the SMTP relay's backend sessions. */
  public static final Duration KEEP_SESSIONS = Duration.ofSeconds(30);

  public ImapBackend {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(conveyance, "conveyance");
    Objects.requireNonNull(keepSessions, "keepSessions");
  }

  /** Sessions not kept after LOGOUT. */
  public ImapBackend(Backend backend, ClientConveyance conveyance, MasterLogin master) {
    this(backend, conveyance, master, Duration.ZERO);
  }

  public static ImapBackend of(Backend backend, ClientConveyance conveyance) {
    return new ImapBackend(backend, conveyance, null);
  }
}
