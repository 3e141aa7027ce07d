package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.sasl.SaslCredentials;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where a user's mailbox lives: the candidate backends in failover order (the pool's rendezvous
 * order). Empty list: no route for this user, answered like a wrong password so that user names
 * cannot be probed. The composition root wires it to the routing policy; it must not block.
 */
@FunctionalInterface
public interface BackendChooser {

  Mono<List<ImapBackend>> candidates(String user, ClientFacts client);

  /**
   * The candidates for a login with its credentials, for routes whose lookup also authenticates
   * (nginx {@code auth_http} is sent the password). By default the credentials are not looked at.
   */
  default Mono<List<ImapBackend>> candidates(SaslCredentials credentials, ClientFacts client) {
    return candidates(credentials.user(), client);
  }
}
