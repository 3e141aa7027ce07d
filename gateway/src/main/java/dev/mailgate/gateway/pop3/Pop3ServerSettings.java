package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3Limits;
import dev.mailgate.gateway.net.CidrRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway's own POP3 server side needs besides the listener: the host name it greets
 * with, where plaintext logins are allowed before TLS (PRODUCT.md: loopback only by default; RFC
 * 2595 section 2.1 lets a server refuse USER/PASS before TLS), the codec limits and how many
 * protocol errors end a session.
 *
 * @param hostname the name in the greeting and the APOP timestamp
 * @param plaintextAuthNetworks clients in these networks may log in without TLS
 * @param limits the command decoder's limits
 * @param maxErrors refused or malformed commands before the session is closed (nginx's
 *     mail_max_errors idea); at least 1
 */
public record Pop3ServerSettings(
    String hostname, List<CidrRange> plaintextAuthNetworks, Pop3Limits limits, int maxErrors) {

  /** 127.0.0.0/8 and ::1: PRODUCT.md's "plaintext authentication before TLS from loopback only". */
  public static final List<CidrRange> LOOPBACK =
      List.of(CidrRange.parse("127.0.0.0/8"), CidrRange.parse("::1/128"));

  public Pop3ServerSettings {
    Objects.requireNonNull(hostname, "hostname");
    if (hostname.isEmpty() || !hostname.matches("[A-Za-z0-9.-]+")) {
      throw new IllegalArgumentException("bad host name: " + hostname);
    }
    plaintextAuthNetworks = List.copyOf(plaintextAuthNetworks);
    Objects.requireNonNull(limits, "limits");
    if (maxErrors < 1) {
      throw new IllegalArgumentException("maxErrors < 1");
    }
  }

  /** Loopback-only plaintext logins, the codec's default limits, 10 errors. */
  public static Pop3ServerSettings defaults(String hostname) {
    return new Pop3ServerSettings(hostname, LOOPBACK, Pop3Limits.DEFAULTS, 10);
  }

  public Pop3ServerSettings withPlaintextAuthNetworks(List<CidrRange> networks) {
    return new Pop3ServerSettings(hostname, networks, limits, maxErrors);
  }

  public Pop3ServerSettings withMaxErrors(int max) {
    return new Pop3ServerSettings(hostname, plaintextAuthNetworks, limits, max);
  }

  public Pop3ServerSettings withLimits(Pop3Limits l) {
    return new Pop3ServerSettings(hostname, plaintextAuthNetworks, l, maxErrors);
  }

  /** Whether a client at {@code address} may send a password before TLS. */
  public boolean plaintextAuthAllowed(InetAddress address) {
    for (CidrRange r : plaintextAuthNetworks) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
