package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.sasl.SaslCredentials;
import reactor.core.publisher.Mono;

/**
 * Verifies credentials at the gateway ("verify here" authentication, DESIGN.md): needed before a
 * login is replayed as a master user. Emits true when the credentials are good; must not block.
 */
@FunctionalInterface
public interface LoginVerifier {

  Mono<Boolean> verify(SaslCredentials credentials, ClientFacts client);
}
