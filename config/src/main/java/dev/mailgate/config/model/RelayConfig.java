package dev.mailgate.config.model;

import java.util.List;

/**
 * Which recipient domains unauthenticated clients may send to on SMTP (port 25 style) listeners,
 * besides local domains. Everything else gets {@code 554 5.7.1}: no open relay.
 */
public record RelayConfig(List<String> acceptedDomains) {
  public RelayConfig {
    acceptedDomains = List.copyOf(acceptedDomains);
  }
}
