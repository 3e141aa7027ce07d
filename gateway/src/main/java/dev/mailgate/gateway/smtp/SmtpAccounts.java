package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.mailbox.user.UserStore;
import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Who may log in to an SMTP session and which senders they may use. The local tier checks its own
 * {@link UserStore}; the proxy tier passes the login through to the backend that owns the account
 * (and then keeps the credentials to replay them for each relayed transaction).
 */
public interface SmtpAccounts {

  /**
   * Checks a login. Emits the canonical user name when the credentials are good, completes empty
   * when they are refused, and fails when the check itself could not be made (the client gets a
   * temporary {@code 454 4.7.0}), or with {@link MechanismUnavailable} when the mechanism cannot
   * be used for this account (the client gets {@code 504 5.5.4}). Must not block; must not keep
   * {@code credentials} unless {@link #keepsCredentials()}.
   */
  Mono<String> authenticate(SaslCredentials credentials, SessionFacts session);

  /**
   * The SASL mechanisms offered in EHLO and accepted in AUTH: PLAIN and LOGIN by default; token
   * mechanisms (XOAUTH2, OAUTHBEARER) only where someone can check a token (a backend).
   */
  default Set<SaslMechanism> mechanisms() {
    return PASSWORD_MECHANISMS;
  }

  /** PLAIN (RFC 4616) and LOGIN. */
  Set<SaslMechanism> PASSWORD_MECHANISMS = Collections.unmodifiableSet(
      new LinkedHashSet<>(List.of(SaslMechanism.PLAIN, SaslMechanism.LOGIN)));

  /** Overwrites the secret the credentials hold. */
  static void wipe(SaslCredentials credentials) {
    if (credentials instanceof SaslCredentials.Password p) {
      p.password().clear();
    } else if (credentials instanceof SaslCredentials.Token t) {
      t.token().clear();
    }
  }

  /** Whether {@code user} may send with the reverse-path mailbox {@code sender} (no spoofing). */
  Mono<Boolean> mayUseSender(String user, String sender);

  /**
   * Whether the session must keep the client's credentials after a successful login, for the
   * backend sessions of its transactions ({@link SessionFacts#login()}); otherwise the password is
   * wiped once checked.
   */
  default boolean keepsCredentials() {
    return false;
  }

  /**
   * The local users: the password is verified off the event loop by the user store, and a sender
   * must resolve (as the user or one of its aliases) to the logged-in user.
   */
  static SmtpAccounts localUsers(UserStore users) {
    Objects.requireNonNull(users, "users");
    return new SmtpAccounts() {
      @Override
      public Mono<String> authenticate(SaslCredentials credentials, SessionFacts session) {
        if (!(credentials instanceof SaslCredentials.Password p)) {
          return Mono.empty(); // local users have passwords only
        }
        char[] password = p.password().chars();
        return users.verify(p.user(), password)
            .flatMap(ok -> ok ? users.resolve(p.user()) : Mono.<String>empty())
            .doFinally(sig -> Arrays.fill(password, '\0'));
      }

      @Override
      public Mono<Boolean> mayUseSender(String user, String sender) {
        return users.resolve(sender).map(owner -> owner.equalsIgnoreCase(user)).defaultIfEmpty(false);
      }
    };
  }
}
