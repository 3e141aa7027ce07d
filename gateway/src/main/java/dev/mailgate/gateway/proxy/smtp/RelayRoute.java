package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.smtp.Envelope;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where a relayed transaction goes: the backends to try in failover order, decided when its first
 * recipient arrives (an authenticated session routes by its user, a port-25 session by the
 * recipient's domain). An empty list or an error means no backend can take it (a 4xx for the
 * client). Must not block.
 */
@FunctionalInterface
public interface RelayRoute {

  Mono<List<Backend>> backends(Envelope envelope, SmtpPath firstRecipient);

  /** Always the same backends. */
  static RelayRoute fixed(List<Backend> backends) {
    List<Backend> copy = List.copyOf(backends);
    return (envelope, recipient) -> Mono.just(copy);
  }
}
