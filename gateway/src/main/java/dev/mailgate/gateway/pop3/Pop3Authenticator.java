package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.sasl.SaslCredentials;
import reactor.core.publisher.Mono;

/**
 * Decides a login the client completed with USER/PASS or AUTH PLAIN/LOGIN (RFC 1939 section 7,
 * RFC 5034): the local tier verifies the password and locks the maildrop; the proxy replays the
 * login to a backend. Must not block; the Mono may signal on any thread. It owns the password
 * afterwards and should clear it when done.
 *
 * @param <T> what an accepted login hands to the next state
 */
@FunctionalInterface
public interface Pop3Authenticator<T> {

  Mono<Pop3LoginResult<T>> login(SaslCredentials.Password credentials, Pop3ClientFacts client);
}
