package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.tls.ServerTls;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What the local-tier IMAP server needs besides the stores.
 *
 * @param hostname the name in the greeting
 * @param limits the codec limits; {@link ImapLimits#maxLiteralAfterLogin()} is also the APPENDLIMIT
 *     (RFC 7889) advertised, and LITERAL+ is advertised only when non-synchronising literals may be
 *     as large as that, else LITERAL- (RFC 7888 section 4)
 * @param tls the server TLS for STARTTLS (RFC 9051 section 6.2.1), or null when the listener has
 *     none
 * @param allowPlaintextAuth true to accept LOGIN / AUTHENTICATE PLAIN over plaintext (the
 *     listener's allow-plaintext setting); false answers {@code NO [PRIVACYREQUIRED]} and
 *     advertises LOGINDISABLED before TLS (RFC 3501 section 6.2.3)
 * @param idleTimeout how long an IDLE (RFC 2177) may last without traffic (RFC 9051 section 5.4:
 *     at least 30 minutes)
 * @param searchZone the zone in which SEARCH compares dates
 */
public record LocalImapSettings(
    String hostname,
    ImapLimits limits,
    ServerTls tls,
    boolean allowPlaintextAuth,
    Duration idleTimeout,
    ZoneId searchZone) {

  public LocalImapSettings {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(searchZone, "searchZone");
    if (hostname.isBlank() || hostname.indexOf('\r') >= 0 || hostname.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad hostname");
    }
  }

  /** Secure defaults: no TLS configured, plaintext login refused, 30 minute IDLE, UTC dates. */
  public static LocalImapSettings of(String hostname, ImapLimits limits) {
    return new LocalImapSettings(hostname, limits, null, false, Duration.ofMinutes(30), ZoneId.of("UTC"));
  }

  public LocalImapSettings withTls(ServerTls serverTls) {
    return new LocalImapSettings(hostname, limits, serverTls, allowPlaintextAuth, idleTimeout, searchZone);
  }

  public LocalImapSettings withAllowPlaintextAuth(boolean allow) {
    return new LocalImapSettings(hostname, limits, tls, allow, idleTimeout, searchZone);
  }

  public LocalImapSettings withIdleTimeout(Duration idle) {
    return new LocalImapSettings(hostname, limits, tls, allowPlaintextAuth, idle, searchZone);
  }

  /** The APPENDLIMIT (RFC 7889): the largest message literal accepted after login. */
  public long appendLimit() {
    return limits.maxLiteralAfterLogin();
  }
}
