package dev.mailgate.gateway.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the admin HTTP endpoint listens and the bearer token it requires.
 *
 * <p>Secure by default: on a loopback address the token is optional (only local users can reach
 * it); on any other address a token of at least {@value #MIN_TOKEN_LENGTH} characters is required
 * and {@link #validate()} refuses to start without one.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port, {@code 0} for any free port (tests)
 * @param bearerToken the token clients send as {@code Authorization: Bearer ...}, or {@code null}
 */
public record AdminSettings(String host, int port, String bearerToken) {
  public static final int MIN_TOKEN_LENGTH = 16;

  public AdminSettings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("admin port out of range: " + port);
    }
    if (bearerToken != null && bearerToken.isBlank()) {
      bearerToken = null;
    }
  }

  /** Loopback, no token: the embedded default. */
  public static AdminSettings loopback(int port) {
    return new AdminSettings("127.0.0.1", port, null);
  }

  /** Whether the bind address is a loopback address (resolves the host name once). */
  public boolean isLoopback() {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Throws when the settings would expose the admin API unprotected: a non-loopback address without
   * a token, or a token too short to resist guessing.
   */
  public void validate() {
    if (bearerToken != null && bearerToken.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalStateException(
          "admin bearer token must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (bearerToken == null && !isLoopback()) {
      throw new IllegalStateException(
          "admin endpoint on non-loopback address " + host + " requires a bearer token");
    }
  }
}
