package dev.mailgate.codec.smtp;

import java.util.List;
import java.util.Objects;

/**
 * A reverse-path or forward-path of RFC 5321 4.1.2, as parsed from the wire.
 *
 * <p>The null reverse-path {@code <>} has an empty local part and no domain; {@code <Postmaster>}
 * (RCPT only, 4.5.1) has local part {@code Postmaster} and no domain. The local part is kept as
 * sent (a quoted string keeps its quotes and backslashes); the domain is a domain name, possibly
 * with U-labels (RFC 6531), or an address literal such as {@code [192.0.2.1]} or
 * {@code [IPv6:2001:db8::1]}. A source route ({@code @a,@b:user@c}, 4.1.2 "A-d-l") is kept so
 * the session can refuse or ignore it (RFC 5321 C: servers SHOULD ignore it).
 *
 * @param localPart the local part as sent, empty for the null path
 * @param domain the domain or address literal, {@code null} for {@code <>} and {@code <Postmaster>}
 * @param sourceRoute the at-domains of an obsolete source route, without {@code @}, usually empty
 * @param utf8 whether the path holds non-ASCII UTF-8 (needs SMTPUTF8, RFC 6531 3.3)
 */
public record SmtpPath(String localPart, String domain, List<String> sourceRoute, boolean utf8) {
  public static final SmtpPath NULL = new SmtpPath("", null, List.of(), false);

  public SmtpPath {
    Objects.requireNonNull(localPart, "localPart");
    sourceRoute = List.copyOf(sourceRoute);
  }

  /** {@code <>}: the null reverse-path of bounces (RFC 5321 4.5.5). */
  public boolean isNull() {
    return localPart.isEmpty() && domain == null;
  }

  /** {@code <Postmaster>} without a domain (RFC 5321 4.5.1). */
  public boolean isPostmaster() {
    return domain == null && localPart.equalsIgnoreCase("Postmaster");
  }

  public boolean hasSourceRoute() {
    return !sourceRoute.isEmpty();
  }

  public boolean isAddressLiteral() {
    return domain != null && domain.startsWith("[");
  }

  /** The mailbox as {@code local@domain} (or the bare local part, or empty for the null path). */
  public String address() {
    return domain == null ? localPart : localPart + "@" + domain;
  }

  /** The path as written in a command, with angle brackets and without the source route. */
  @Override
  public String toString() {
    return "<" + address() + ">";
  }
}
