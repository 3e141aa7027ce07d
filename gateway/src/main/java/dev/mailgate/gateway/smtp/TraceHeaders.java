package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpPath;

/**
 * The trace fields of RFC 5321 4.4: {@code Received:} (added by every SMTP server that takes a
 * message) and {@code Return-Path:} (added by final delivery only). The {@code with} protocol
 * follows RFC 3848 ({@code SMTP}, {@code ESMTP}, {@code ESMTPA}, {@code ESMTPS}, {@code ESMTPSA})
 * and RFC 6531 3.7.3 ({@code UTF8SMTP...}) when SMTPUTF8 was used; the TLS protocol and cipher
 * and the authenticated user appear as comments. Client-supplied text (the HELO name) is reduced
 * to characters that cannot break the header. Lines are folded, each under 78 octets when the
 * names allow.
 */
final class TraceHeaders {
  /** Longest HELO name copied into the header (a domain is at most 255 octets). */
  static final int MAX_HELO = 255;

  private TraceHeaders() {}

  /** RFC 3848 / RFC 6531 {@code with} keyword. */
  static String withProtocol(SessionFacts s, boolean smtpUtf8) {
    if (!s.extended()) {
      return "SMTP";
    }
    String base = smtpUtf8 ? "UTF8SMTP" : "ESMTP";
    return base + (s.isTls() ? "S" : "") + (s.isAuthenticated() ? "A" : "");
  }

  /**
   * The {@code Received:} field, CRLF-terminated.
   *
   * @param recipient named in the {@code for} clause, or {@code null} (several recipients: none is
   *     disclosed to the others)
   */
  static String received(Envelope e, SmtpPath recipient) {
    SessionFacts s = e.session();
    String ip = s.client().getAddress().getHostAddress();
    StringBuilder b = new StringBuilder(256);
    b.append("Received: from ").append(clean(s.helo())).append(" ([").append(ip).append("])");
    if (s.isTls()) {
      b.append("\r\n\t(using ").append(s.tlsProtocol()).append(" with cipher ")
          .append(s.tlsCipher()).append(')');
    }
    if (s.isAuthenticated()) {
      b.append("\r\n\t(authenticated sender: ").append(clean(s.authenticatedUser())).append(')');
    }
    b.append("\r\n\tby ").append(s.serverHost()).append(" (mailgate) with ")
        .append(withProtocol(s, e.parameters().smtpUtf8())).append(" id ").append(e.id());
    if (recipient != null) {
      b.append("\r\n\tfor ").append(clean(recipient.toString()));
    }
    b.append(";\r\n\t").append(ReceivedDate.format(e.started()))
        .append("\r\n");
    return b.toString();
  }

  /** {@code Return-Path: <sender>} (RFC 5321 4.4), CRLF-terminated. */
  static String returnPath(SmtpPath sender) {
    return "Return-Path: " + clean(sender.toString()) + "\r\n";
  }

  /** Keeps printable characters that cannot end a comment or the field; others become '?'. */
  static String clean(String text) {
    int n = Math.min(text.length(), MAX_HELO);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean ok = c > 0x20 && c != 0x7F && c != '(' && c != ')' && c != '\\' && c != ';';
      b.append(ok ? c : '?');
    }
    return b.length() == 0 ? "?" : b.toString();
  }
}
