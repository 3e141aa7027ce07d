package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.pop3.Pop3Limits;
import dev.mailgate.gateway.pop3.Pop3ServerSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the POP3 proxy session.
 *
 * @param server the client side: greeting host name, plaintext-login networks, codec limits, error
 *     limit
 * @param backendLimits line limits for the backend's responses during login replay
 * @param loginTimeout connect, greeting, STLS and login replay together must finish within this
 * @param proxyProtocol send a PROXY protocol v2 header with the client's address to the backend
 *     (only on plaintext and STARTTLS backends: the header must precede TLS)
 * @param relayIdleTimeout the relay ends after this long without a byte either way (RFC 1939
 *     section 3: at least 10 minutes)
 */
public record Pop3ProxySettings(
    Pop3ServerSettings server,
    Pop3Limits backendLimits,
    Duration loginTimeout,
    boolean proxyProtocol,
    Duration relayIdleTimeout) {

  public Pop3ProxySettings {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(backendLimits, "backendLimits");
    if (loginTimeout.isNegative() || loginTimeout.isZero() || relayIdleTimeout.isNegative() || relayIdleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** 30 s to log in at the backend, no PROXY header, 10 minutes idle. */
  public static Pop3ProxySettings defaults(String hostname) {
    return new Pop3ProxySettings(
        Pop3ServerSettings.defaults(hostname), Pop3Limits.DEFAULTS, Duration.ofSeconds(30), false, Duration.ofMinutes(10));
  }

  public Pop3ProxySettings withServer(Pop3ServerSettings s) {
    return new Pop3ProxySettings(s, backendLimits, loginTimeout, proxyProtocol, relayIdleTimeout);
  }

  public Pop3ProxySettings withProxyProtocol(boolean on) {
    return new Pop3ProxySettings(server, backendLimits, loginTimeout, on, relayIdleTimeout);
  }

  public Pop3ProxySettings withLoginTimeout(Duration t) {
    return new Pop3ProxySettings(server, backendLimits, t, proxyProtocol, relayIdleTimeout);
  }
}
