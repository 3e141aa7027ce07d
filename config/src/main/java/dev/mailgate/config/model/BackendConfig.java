package dev.mailgate.config.model;

import dev.mailgate.policy.MailProtocol;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A backend mail server. It listens on {@code host} at one port per protocol ({@code ports}), or
 * at one {@code port} for whatever protocol is routed to it.
 *
 * @param connectTimeout TCP (and TLS) connect time allowed (default 5s)
 * @param greetingTimeout time allowed for the backend's greeting (default 10s)
 * @param masterUser log in as this master user instead of replaying the client's password
 * @param imapSessionReuse how long a logged-in IMAP session may wait after its client's LOGOUT for
 *     the same user's next login from the same address (default 30s; zero: never kept)
 */
public record BackendConfig(
    String name,
    String host,
    Map<MailProtocol, Integer> ports,
    Optional<Integer> port,
    BackendTlsConfig tls,
    ConveyClient conveyClient,
    Duration connectTimeout,
    Duration greetingTimeout,
    Optional<MasterUserConfig> masterUser,
    Duration imapSessionReuse) {

  public BackendConfig {
    ports = Map.copyOf(ports);
  }

  /** Where to connect for {@code protocol}, or empty when this backend does not serve it. */
  public Optional<HostPort> address(MailProtocol protocol) {
    Integer p = ports.get(protocol);
    if (p == null && protocol == MailProtocol.SUBMISSION) {
      p = ports.get(MailProtocol.SMTP);
    }
    if (p == null) {
      p = port.orElse(null);
    }
    return p == null ? Optional.empty() : Optional.of(new HostPort(host, p));
  }
}
