package dev.mailgate.gateway.session;

import reactor.core.publisher.Mono;

/**
 * The listeners as the {@link DrainCoordinator} sees them: the composition root implements it by
 * disposing every reactor-netty server (which closes the listening sockets but not the accepted
 * connections).
 */
@FunctionalInterface
public interface AcceptControl {

  /** Stops accepting new connections on every listener; completes once the sockets are closed. */
  Mono<Void> stopAccepting();
}
