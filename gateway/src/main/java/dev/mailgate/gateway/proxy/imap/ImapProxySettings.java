package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.net.CidrRange;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the IMAP proxy session.
 *
 * @param hostname the name in the greeting and in SASL challenges
 * @param limits codec limits for the pre-login dialogue; the non-synchronising literal limit is
 *     raised to the pre-login literal limit because LITERAL+ is advertised (RFC 7888 section 4)
 * @param plaintextAuthNetworks clients in these networks may log in without TLS (PRODUCT.md:
 *     loopback only by default)
 * @param maxErrors protocol errors and failed logins before {@code * BYE} (nginx's max_errors)
 * @param backendLoginTimeout the whole backend dialogue (greeting to tagged OK) must finish within
 * @param relayIdleTimeout no byte either way for this long ends an authenticated session; at least
 *     30 minutes so that IDLE (re-issued every 29 minutes, RFC 2177) survives
 * @param maxClientIdFields most of the client's ID fields forwarded to the backend (RFC 2971
 *     allows 30 pairs, some are the gateway's own)
 */
public record ImapProxySettings(
    String hostname,
    ImapLimits limits,
    List<CidrRange> plaintextAuthNetworks,
    int maxErrors,
    Duration backendLoginTimeout,
    Duration relayIdleTimeout,
    int maxClientIdFields) {

  /** Loopback, IPv4 and IPv6. */
  public static final List<CidrRange> LOOPBACK =
      List.of(CidrRange.parse("127.0.0.0/8"), CidrRange.parse("::1/128"));

  public ImapProxySettings {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(limits, "limits");
    plaintextAuthNetworks = List.copyOf(plaintextAuthNetworks);
    if (hostname.isEmpty() || hostname.indexOf('\r') >= 0 || hostname.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad hostname");
    }
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors < 1");
    }
    if (relayIdleTimeout.compareTo(Duration.ofMinutes(30)) < 0) {
      throw new IllegalArgumentException("relayIdleTimeout must be >= 30 min (IMAP IDLE)");
    }
    if (backendLoginTimeout.isNegative() || backendLoginTimeout.isZero()) {
      throw new IllegalArgumentException("backendLoginTimeout must be positive");
    }
    if (maxClientIdFields < 0 || maxClientIdFields > 24) {
      throw new IllegalArgumentException("maxClientIdFields must be in 0..24");
    }
    limits =
        limits.withLiteralLimits(
            limits.maxLiteralBeforeLogin(),
            limits.maxLiteralAfterLogin(),
            Math.max(limits.maxNonSyncLiteral(), limits.maxLiteralBeforeLogin()));
  }

  /** Defaults: codec defaults, loopback plaintext, 10 errors, 30 s backend login, 35 min relay idle. */
  public static ImapProxySettings defaults(String hostname) {
    return new ImapProxySettings(
        hostname, ImapLimits.DEFAULTS, LOOPBACK, 10, Duration.ofSeconds(30), Duration.ofMinutes(35), 16);
  }

  public ImapProxySettings withLimits(ImapLimits l) {
    return new ImapProxySettings(hostname, l, plaintextAuthNetworks, maxErrors, backendLoginTimeout, relayIdleTimeout, maxClientIdFields);
  }

  public ImapProxySettings withPlaintextAuthNetworks(List<CidrRange> networks) {
    return new ImapProxySettings(hostname, limits, networks, maxErrors, backendLoginTimeout, relayIdleTimeout, maxClientIdFields);
  }

  public ImapProxySettings withMaxErrors(int n) {
    return new ImapProxySettings(hostname, limits, plaintextAuthNetworks, n, backendLoginTimeout, relayIdleTimeout, maxClientIdFields);
  }
}
