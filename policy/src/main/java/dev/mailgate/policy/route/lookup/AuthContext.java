package dev.mailgate.policy.route.lookup;

import java.util.Objects;

/**
 * What a session knows about a login attempt beyond the routing facts; lookups that also
 * authenticate (nginx {@code auth_http}) need it. The password is never printed by
 * {@link #toString()}.
 *
 * @param method Auth-Method: {@code plain}, {@code apop}, {@code cram-md5}, {@code external},
 *     {@code none}
 * @param password the password the client sent, or {@code null}
 * @param loginAttempt the attempt number within the session, from 1
 * @param clientHost the client's host name when known, else {@code null}
 * @param smtpHelo SMTP HELO/EHLO argument, or {@code null}
 * @param smtpFrom SMTP MAIL FROM line, or {@code null}
 * @param smtpTo SMTP RCPT TO line, or {@code null}
 */
public record AuthContext(
    String method,
    String password,
    int loginAttempt,
    String clientHost,
    String smtpHelo,
    String smtpFrom,
    String smtpTo) {

  public AuthContext {
    Objects.requireNonNull(method, "method");
    if (loginAttempt < 1) {
      throw new IllegalArgumentException("loginAttempt starts at 1");
    }
  }

  /** A plain-password login (IMAP LOGIN, AUTH PLAIN/LOGIN, POP3 USER/PASS). */
  public static AuthContext plain(String password, int attempt) {
    return new AuthContext("plain", password, attempt, null, null, null, null);
  }

  @Override
  public String toString() {
    return "AuthContext[method=" + method + ", password=" + (password == null ? "none" : "***")
        + ", loginAttempt=" + loginAttempt + ", clientHost=" + clientHost + "]";
  }
}
