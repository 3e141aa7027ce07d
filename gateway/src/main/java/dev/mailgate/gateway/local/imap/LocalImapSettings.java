package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.net.CidrRange;
import dev.mailgate.gateway.tls.ServerTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
 * @param plaintextAuthNetworks clients in these networks may LOGIN / AUTHENTICATE PLAIN over
 *     plaintext (the listener's {@code allow_plaintext_auth}); others get {@code NO
 *     [PRIVACYREQUIRED]} and see LOGINDISABLED before TLS (RFC 3501 section 6.2.3)
 * @param idleTimeout how long an IDLE (RFC 2177) may last without traffic (RFC 9051 section 5.4:
 *     at least 30 minutes)
 * @param maxErrors the number of malformed commands (decode failures, unparsable commands) at
 *     which a session is closed with {@code * BYE [LIMIT]} (the listener's {@code
 *     limits.max_errors}, nginx's max_errors); at least 1
 */
public record LocalImapSettings(
    String hostname,
    ImapLimits limits,
    ServerTls tls,
    List<CidrRange> plaintextAuthNetworks,
    Duration idleTimeout,
    int maxErrors) {

  /** The default of {@link #maxErrors()}, that of the listener's {@code limits.max_errors}. */
  public static final int DEFAULT_MAX_ERRORS = 10;

  private static final List<CidrRange> EVERYWHERE = List.of(CidrRange.parse("0.0.0.0/0"), CidrRange.parse("::/0"));

  public LocalImapSettings {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    plaintextAuthNetworks = List.copyOf(plaintextAuthNetworks);
    if (hostname.isBlank() || hostname.indexOf('\r') >= 0 || hostname.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("bad hostname");
    }
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors < 1");
    }
  }

  /**
   * Secure defaults: no TLS configured, plaintext login refused, 30 minute IDLE, {@link
   * #DEFAULT_MAX_ERRORS} errors, and LITERAL+ ({@link ImapLimits#withLiteralPlus()}).
   *
   * <p>LITERAL+ because the local tier streams a message literal into the store as it arrives and
   * refuses (discarding) any literal over the limit of the session's state: a non-synchronising
   * literal costs it no more than a synchronising one it would accept. Clients that cannot send
   * synchronising literals in every command need it; Dovecot's imaptest aborts its scripted run on
   * the first script literal sent to a server without LITERAL+.
   */
  public static LocalImapSettings of(String hostname, ImapLimits limits) {
    return new LocalImapSettings(hostname, limits.withLiteralPlus(), null, List.of(), Duration.ofMinutes(30),
        DEFAULT_MAX_ERRORS);
  }

  public LocalImapSettings withTls(ServerTls serverTls) {
    return new LocalImapSettings(hostname, limits, serverTls, plaintextAuthNetworks, idleTimeout, maxErrors);
  }

  /** Plaintext login from everywhere ({@code true}) or nowhere ({@code false}). */
  public LocalImapSettings withAllowPlaintextAuth(boolean allow) {
    return withPlaintextAuthNetworks(allow ? EVERYWHERE : List.of());
  }

  public LocalImapSettings withPlaintextAuthNetworks(List<CidrRange> networks) {
    return new LocalImapSettings(hostname, limits, tls, networks, idleTimeout, maxErrors);
  }

  /** Whether a client at {@code client} may log in without TLS. */
  public boolean plaintextAuthAllowed(InetSocketAddress client) {
    InetAddress a = client.getAddress();
    return a != null && plaintextAuthNetworks.stream().anyMatch(n -> n.contains(a));
  }

  public LocalImapSettings withIdleTimeout(Duration idle) {
    return new LocalImapSettings(hostname, limits, tls, plaintextAuthNetworks, idle, maxErrors);
  }

  public LocalImapSettings withMaxErrors(int max) {
    return new LocalImapSettings(hostname, limits, tls, plaintextAuthNetworks, idleTimeout, max);
  }

  /** The APPENDLIMIT (RFC 7889): the largest message literal accepted after login. */
  public long appendLimit() {
    return limits.maxLiteralAfterLogin();
  }
}
