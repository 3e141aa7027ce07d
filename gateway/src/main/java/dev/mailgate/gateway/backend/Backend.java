package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.tls.ClientTls;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * A backend ready to connect to: its spec, its client TLS context (built once, shared by every
 * connection) and its circuit breaker. Obtained from {@link BackendConnector#backend(BackendSpec)}.
 */
public record Backend(BackendSpec spec, ClientTls tls, CircuitBreaker circuitBreaker) {

  public String name() {
    return spec.name();
  }
}
