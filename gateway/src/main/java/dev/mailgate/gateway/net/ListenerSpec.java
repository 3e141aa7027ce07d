package dev.mailgate.gateway.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Gateway-internal settings of one listener; the composition root maps them from the
 * configuration tree. Listeners are identified by {@code name} in the {@link ListenerRegistry}.
 *
 * @param name unique name (for logs, metrics and the registry)
 * @param protocol what the sessions speak
 * @param bind address and port to bind (port 0: any free port)
 * @param tlsMode none, STARTTLS or implicit TLS
 * @param proxyTrustedNetworks PROXY protocol headers are read only from peers in these networks;
 *     empty means the listener does not use the PROXY protocol
 * @param preLoginTimeout a session that has not authenticated within this is closed
 * @param idleTimeout a session that sends nothing for this long is closed (sessions may change it,
 *     e.g. for IMAP IDLE)
 * @param backlog the accept queue length
 */
public record ListenerSpec(
    String name,
    Protocol protocol,
    InetSocketAddress bind,
    TlsMode tlsMode,
    List<CidrRange> proxyTrustedNetworks,
    Duration preLoginTimeout,
    Duration idleTimeout,
    int backlog) {

  public ListenerSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(tlsMode, "tlsMode");
    proxyTrustedNetworks = List.copyOf(proxyTrustedNetworks);
    if (preLoginTimeout.isNegative() || preLoginTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog < 1");
    }
  }

  /** Defaults: no PROXY protocol, 60 s to log in, 30 min idle (RFC 9051 section 5.4), backlog 1024. */
  public static ListenerSpec of(String name, Protocol protocol, InetSocketAddress bind, TlsMode tlsMode) {
    return new ListenerSpec(name, protocol, bind, tlsMode, List.of(), Duration.ofSeconds(60), Duration.ofMinutes(30), 1024);
  }

  public boolean usesProxyProtocol() {
    return !proxyTrustedNetworks.isEmpty();
  }

  public ListenerSpec withProxyTrustedNetworks(List<CidrRange> networks) {
    return new ListenerSpec(name, protocol, bind, tlsMode, networks, preLoginTimeout, idleTimeout, backlog);
  }

  public ListenerSpec withTimeouts(Duration preLogin, Duration idle) {
    return new ListenerSpec(name, protocol, bind, tlsMode, proxyTrustedNetworks, preLogin, idle, backlog);
  }

  public ListenerSpec withBind(InetSocketAddress address) {
    return new ListenerSpec(name, protocol, address, tlsMode, proxyTrustedNetworks, preLoginTimeout, idleTimeout, backlog);
  }
}
