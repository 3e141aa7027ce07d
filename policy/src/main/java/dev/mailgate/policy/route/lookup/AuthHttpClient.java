package dev.mailgate.policy.route.lookup;

import reactor.core.publisher.Mono;

/**
 * Sends one {@code auth_http} request. Implemented by the gateway with its HTTP client (with
 * keep-alive); policy has no HTTP client. A transport failure or a non-200 HTTP status is an error
 * signal.
 */
@FunctionalInterface
public interface AuthHttpClient {
  Mono<AuthHttpResponse> send(AuthHttpRequest request);
}
