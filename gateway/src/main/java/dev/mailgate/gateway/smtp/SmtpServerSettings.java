package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.gateway.net.CidrRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The settings of the SMTP server sessions of one listener.
 *
 * @param hostname the name in the greeting, EHLO reply and {@code Received:} header
 * @param limits codec limits; {@link SmtpLimits#maxDataSize()} is also the advertised SIZE (RFC
 *     1870) and {@link SmtpLimits#maxErrors()} bounds the failed commands (decode failures and
 *     refused commands together) before {@code 421 4.7.0} and close
 * @param maxRecipients recipients per transaction; more get {@code 452 4.5.3} (RFC 5321 4.5.3.1.8
 *     requires at least 100)
 * @param plaintextAuthNetworks clients allowed to AUTH before TLS (PRODUCT.md: loopback only by
 *     default); elsewhere AUTH is neither offered nor accepted without TLS ({@code 530 5.7.0})
 * @param completesSubmissions whether this server is the message submission agent that adds the
 *     {@code Date:} and {@code Message-ID:} an authenticated submission lacks (RFC 6409 sections
 *     8.2 and 8.3; {@link SubmissionHeaderFields}): the local tier is; the proxy tier leaves it to
 *     the backend's (Postfix's cleanup)
 */
public record SmtpServerSettings(
    String hostname, SmtpLimits limits, int maxRecipients, List<CidrRange> plaintextAuthNetworks,
    boolean completesSubmissions) {

  public static final List<CidrRange> LOOPBACK =
      List.of(CidrRange.parse("127.0.0.0/8"), CidrRange.parse("::1/128"));

  public SmtpServerSettings {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(limits, "limits");
    plaintextAuthNetworks = List.copyOf(plaintextAuthNetworks);
    if (hostname.isEmpty() || hostname.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("bad host name: " + hostname);
    }
    if (maxRecipients < 1 || maxRecipients > 100_000) {
      throw new IllegalArgumentException("maxRecipients must be in [1, 100000]: " + maxRecipients);
    }
  }

  /**
   * Codec defaults, 100 recipients, plaintext AUTH from loopback only, submissions completed with
   * a missing Date: and Message-ID:.
   */
  public static SmtpServerSettings defaults(String hostname) {
    return new SmtpServerSettings(hostname, SmtpLimits.DEFAULTS, 100, LOOPBACK, true);
  }

  public SmtpServerSettings withLimits(SmtpLimits newLimits) {
    return new SmtpServerSettings(hostname, newLimits, maxRecipients, plaintextAuthNetworks,
        completesSubmissions);
  }

  public SmtpServerSettings withMaxRecipients(int n) {
    return new SmtpServerSettings(hostname, limits, n, plaintextAuthNetworks, completesSubmissions);
  }

  public SmtpServerSettings withPlaintextAuthNetworks(List<CidrRange> networks) {
    return new SmtpServerSettings(hostname, limits, maxRecipients, networks, completesSubmissions);
  }

  /** Leaves submitted messages' headers as they came (a proxy in front of the real MSA). */
  public SmtpServerSettings withoutCompletingSubmissions() {
    return new SmtpServerSettings(hostname, limits, maxRecipients, plaintextAuthNetworks, false);
  }

  boolean plaintextAuthAllowed(InetAddress client) {
    for (CidrRange r : plaintextAuthNetworks) {
      if (r.contains(client)) {
        return true;
      }
    }
    return false;
  }
}
