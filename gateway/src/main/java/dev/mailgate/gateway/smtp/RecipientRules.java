package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpPath;
import java.util.Locale;

/**
 * Syntax-level defences against open relaying (RFC 5321 3.6, 3.9; RFC 2505 "Anti-Spam
 * Recommendations for SMTP MTAs" 2.6-2.7): the session refuses, before any routing, recipients
 * that some MTA downstream could turn into a relay to a foreign domain: source routes
 * ({@code <@a:b@c>}), the {@code %} hack ({@code b%c@a}), UUCP bang paths ({@code c!b@a}) and
 * quoted local parts hiding one of those or an {@code @}.
 */
final class RecipientRules {
  private RecipientRules() {}

  /** Whether the path could be used to relay through a local domain. */
  static boolean isRelayHack(SmtpPath path) {
    if (path.hasSourceRoute()) {
      return true;
    }
    String local = path.localPart();
    return local.indexOf('%') >= 0 || local.indexOf('!') >= 0
        || (local.startsWith("\"") && local.indexOf('@') >= 0);
  }

  /** The local part without quoting ({@code "a\ b"} to {@code a b}). */
  static String unquote(String local) {
    if (!local.startsWith("\"") || local.length() < 2) {
      return local;
    }
    StringBuilder b = new StringBuilder(local.length());
    for (int i = 1; i < local.length() - 1; i++) {
      char c = local.charAt(i);
      if (c == '\\' && i + 1 < local.length() - 1) {
        c = local.charAt(++i);
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The domain in lower case without a trailing dot, or {@code null} for none. */
  static String domain(SmtpPath path) {
    String d = path.domain();
    if (d == null) {
      return null;
    }
    d = d.toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** {@code local@domain} for lookups in the user store. */
  static String mailbox(SmtpPath path) {
    String d = domain(path);
    String local = unquote(path.localPart());
    return d == null ? local : local + "@" + d;
  }
}
