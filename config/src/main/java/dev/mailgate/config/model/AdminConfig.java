package dev.mailgate.config.model;

import java.util.Optional;

/**
 * The admin HTTP endpoint (metrics, health, reload). Loopback by default; a bearer token is
 * required when bound anywhere else (validation enforces it). The token is never printed.
 */
public record AdminConfig(boolean enabled, HostPort bind, Optional<String> token) {
  @Override
  public String toString() {
    return "AdminConfig[enabled=" + enabled + ", bind=" + bind + ", token="
        + (token.isPresent() ? "***" : "none") + "]";
  }
}
