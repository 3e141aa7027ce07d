package dev.mailgate.gateway.backend;

import java.util.List;

/**
 * No candidate backend could be connected: each was refused, timed out, failed its TLS handshake or
 * had its circuit open. The session answers with PRODUCT.md's backend-unavailable reply ({@code
 * 421 4.3.0} / {@code 451 4.4.1}, {@code NO [UNAVAILABLE]}, {@code -ERR [SYS/TEMP]}).
 */
public final class BackendUnavailable extends RuntimeException {

  /** Why one candidate failed. */
  public record Attempt(String backend, String reason) {}

  private final List<Attempt> attempts;

  public BackendUnavailable(List<Attempt> attempts) {
    super("no backend available: " + attempts, null, false, false);
    this.attempts = List.copyOf(attempts);
  }

  public List<Attempt> attempts() {
    return attempts;
  }
}
