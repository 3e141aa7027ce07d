package dev.mailgate.config.model;

import dev.mailgate.policy.net.Cidr;
import java.util.List;

/**
 * Accepting the PROXY protocol (v1 and v2, haproxy's proxy-protocol.txt) on a listener. A header
 * is only believed from {@code trustedNetworks}; enabling it without any is a configuration error.
 */
public record ProxyProtocolConfig(boolean enabled, List<Cidr> trustedNetworks) {
  public static final ProxyProtocolConfig DISABLED = new ProxyProtocolConfig(false, List.of());

  public ProxyProtocolConfig {
    trustedNetworks = List.copyOf(trustedNetworks);
  }
}
