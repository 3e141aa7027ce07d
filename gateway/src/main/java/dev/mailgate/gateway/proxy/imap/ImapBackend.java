package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.gateway.backend.Backend;
import java.util.Objects;

/**
 * One candidate backend for an IMAP login, with the IMAP-specific choices the route made.
 *
 * @param backend the backend (from {@code BackendConnector.backend(spec)})
 * @param conveyance how to tell the backend who the client is
 * @param master log in as this master user instead of with the client's credentials; null for
 *     pass-through
 */
public record ImapBackend(Backend backend, ClientConveyance conveyance, MasterLogin master) {

  public ImapBackend {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(conveyance, "conveyance");
  }

  public static ImapBackend of(Backend backend, ClientConveyance conveyance) {
    return new ImapBackend(backend, conveyance, null);
  }
}
