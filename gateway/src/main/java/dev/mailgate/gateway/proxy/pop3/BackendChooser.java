package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where a logged-in user's session goes: the backend candidates in the order to try them (a pool's
 * rendezvous order, DESIGN.md "Routing"). The routing module supplies the real one; an empty list
 * or an error means no backend is available ({@code -ERR [SYS/TEMP]}). Must not block.
 */
@FunctionalInterface
public interface BackendChooser {

  Mono<List<Backend>> candidates(String user, Pop3ClientFacts client);

  /**
   * The candidates for a login with its credentials, for routes whose lookup also authenticates
   * (nginx {@code auth_http} is sent the password). By default the credentials are not looked at.
   */
  default Mono<List<Backend>> candidates(SaslCredentials.Password credentials, Pop3ClientFacts client) {
    return candidates(credentials.user(), client);
  }

  /** Whether {@code backend} wants a PROXY protocol v2 header with the client's address first. */
  default boolean sendsProxyHeader(Backend backend) {
    return false;
  }

  /** Always the same candidates (one backend, or a fixed pool). */
  static BackendChooser fixed(List<Backend> backends) {
    List<Backend> copy = List.copyOf(backends);
    return (user, client) -> Mono.just(copy);
  }
}
