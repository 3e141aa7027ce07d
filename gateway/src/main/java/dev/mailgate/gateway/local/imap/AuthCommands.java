package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslPlain;
import dev.mailgate.codec.sasl.SaslStep;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.net.StartTls;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.policy.Decision;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The not-authenticated state's commands: STARTTLS (RFC 9051 section 6.2.1), LOGIN (RFC 3501
 * section 6.2.3), AUTHENTICATE PLAIN (RFC 4616) with SASL-IR (RFC 4959), and ID (RFC 2971).
 * Passwords are verified by the {@code UserStore} on its own scheduler (Argon2id is slow on
 * purpose), never logged, and wiped from memory after use. Plaintext credentials before TLS are
 * refused with {@code NO [PRIVACYREQUIRED]} unless the listener allows them. Every login passes
 * the session's {@link SessionPolicies}: throttling delays after failures, lockout per (user,
 * address), per-user session limits ({@code NO [LIMIT]}).
 */
final class AuthCommands {
  /** The {@code mechanism} tag of the IMAP LOGIN command and of AUTHENTICATE PLAIN. */
  private static final String LOGIN = "login";
  private static final String PLAIN = "plain";

  private final ImapSession session;
  private String pendingTag;

  AuthCommands(ImapSession session) {
    this.session = session;
  }

  boolean awaitingResponse() {
    return pendingTag != null;
  }

  Mono<Void> startTls(String tag) {
    if (session.server.settings().tls() == null || session.context.isTls()) {
      return session.tagged(tag, ImapStatus.BAD, null, "STARTTLS not available");
    }
    return session.tagged(tag, ImapStatus.OK, null, "Begin TLS negotiation now")
        .then(StartTls.upgrade(session.context, session.server.settings().tls(),
            Map.of(ImapSession.FRAMER, session::newFramer)))
        .then()
        .onErrorResume(e -> {
          session.connection.dispose();
          return Mono.empty();
        });
  }

  Mono<Void> login(ImapCommand.Login c) {
    if (session.capabilities.loginDisabled(session.context.isTls())) {
      session.context.loginFailed(LOGIN, LoginOutcome.REFUSED);
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.PRIVACYREQUIRED,
          "Plaintext login is disabled; use STARTTLS");
    }
    return verify(c.tag(), c.user(), c.password().toCharArray(), LOGIN);
  }

  Mono<Void> authenticate(ImapCommand.Authenticate c) {
    if (!"PLAIN".equals(c.mechanism())) {
      session.context.loginFailed(c.mechanism(), LoginOutcome.REFUSED);
      return session.tagged(c.tag(), ImapStatus.NO, null, "Unsupported authentication mechanism");
    }
    if (session.capabilities.loginDisabled(session.context.isTls())) {
      session.context.loginFailed(PLAIN, LoginOutcome.REFUSED);
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.PRIVACYREQUIRED,
          "Plaintext authentication is disabled; use STARTTLS");
    }
    if (c.initialResponse() == null) {
      pendingTag = c.tag();
      return session.send(List.of(ImapResponseEncoder.continuation(session.alloc, "")));
    }
    return plain(c.tag(), c.initialResponse(), true);
  }

  /** The client's line after {@code +}: base64, or {@code *} to cancel (RFC 9051 section 6.2.2). */
  Mono<Void> response(String line) {
    String tag = pendingTag;
    pendingTag = null;
    if ("*".equals(line)) {
      return session.tagged(tag, ImapStatus.BAD, null, "AUTHENTICATE cancelled");
    }
    return plain(tag, line, false).onErrorResume(e -> Failures.reply(session, tag, e));
  }

  /**
   * {@code base64} as sent; {@code =} is the empty message only as an initial response (RFC 4959):
   * after the {@code +} an empty response is an empty line, and {@code =} is not base64 (Dovecot:
   * "BAD Invalid base64 data in continued response").
   */
  private Mono<Void> plain(String tag, String base64, boolean initial) {
    byte[] raw;
    try {
      raw = initial && "=".equals(base64) ? new byte[0] : Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return session.tagged(tag, ImapStatus.BAD, null, "Invalid base64");
    }
    // The codec's PLAIN (RFC 4616 section 2), as SMTP and POP3 use it: the password is UTF-8 and
    // decoded to exactly its characters (a hand-rolled CharBuffer.array() kept the decoder's spare
    // capacity as trailing NULs, so every non-ASCII password failed).
    if (!(SaslPlain.decode(raw) instanceof SaslStep.Success ok)
        || !(ok.credentials() instanceof SaslCredentials.Password credentials)) {
      return rejected(tag, PLAIN);
    }
    String authz = credentials.authzid();
    String authc = credentials.user();
    char[] password = credentials.password().chars();
    credentials.password().clear();
    if (!authz.isEmpty() && !authz.equals(authc)) {
      Arrays.fill(password, '\0');
      session.context.loginFailed(PLAIN);
      return session.tagged(tag, ImapStatus.NO, ResponseCode.AUTHORIZATIONFAILED,
          "Cannot act as another user");
    }
    return verify(tag, authc, password, PLAIN);
  }

  /**
   * A PLAIN message that decoded but is no credentials ({@code =}, RFC 4959's empty initial
   * response; a missing NUL; an empty password), or a LOGIN whose name is empty or longer than any
   * user's: Dovecot answers {@code NO [AUTHENTICATIONFAILED]}, not {@code BAD}, and it is a guess
   * like a wrong password, so it passes the login throttle and counts as a failure there (under
   * the empty name, so a long name makes no throttle key of its own).
   */
  private Mono<Void> rejected(String tag, String mechanism) {
    return session.context.policies().authenticate("", SessionPolicies.fingerprint(new char[0]),
        attempt -> {
          if (attempt.decision() instanceof Decision.Deny deny) {
            session.context.loginFailed(mechanism, LoginOutcome.REFUSED);
            return refused(tag, deny);
          }
          attempt.failed();
          session.context.loginFailed(mechanism);
          return session.tagged(tag, ImapStatus.NO, ResponseCode.AUTHENTICATIONFAILED,
              "Invalid credentials");
        });
  }

  private Mono<Void> verify(String tag, String login, char[] password, String mechanism) {
    if (login.isEmpty() || login.length() > 255) {
      // no user has such a name, but the guess counts like any other failed login
      Arrays.fill(password, '\0');
      return rejected(tag, mechanism);
    }
    SessionPolicies policies = session.context.policies();
    // Computed now: the password is wiped before the outcome is known.
    long fingerprint = SessionPolicies.fingerprint(password);
    return policies.authenticate(login, fingerprint, attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        Arrays.fill(password, '\0');
        session.context.loginFailed(mechanism, LoginOutcome.REFUSED);
        return refused(tag, deny);
      }
      return session.server.users().resolve(login)
          .defaultIfEmpty(login)
          .flatMap(name -> session.server.users().verify(name, password).map(ok -> ok ? name : ""))
          .doFinally(s -> Arrays.fill(password, '\0'))
          .doOnError(e -> session.context.loginFailed(mechanism, LoginOutcome.ERROR))
          .flatMap(name -> {
            if (name.isEmpty()) {
              attempt.failed();
              session.context.loginFailed(mechanism);
              return session.tagged(tag, ImapStatus.NO, ResponseCode.AUTHENTICATIONFAILED, "Invalid credentials");
            }
            attempt.succeeded();
            return policies.openUserSession(name).flatMap(slot -> {
              if (slot instanceof Decision.Deny deny) {
                session.context.loginFailed(mechanism, LoginOutcome.REFUSED);
                return refused(tag, deny);
              }
              return loggedIn(tag, name, mechanism);
            });
          });
    });
  }

  /**
   * A login a policy refused (PRODUCT.md "How it answers"). A locked-out (user, address) pair gets
   * the same answer as a wrong password, so a guesser learns nothing from it.
   */
  private Mono<Void> refused(String tag, Decision.Deny deny) {
    return switch (deny.kind()) {
      case TLS_REQUIRED -> session.tagged(tag, ImapStatus.NO, ResponseCode.PRIVACYREQUIRED,
          "Plaintext login is disabled; use STARTTLS");
      case AUTH_THROTTLED -> session.tagged(tag, ImapStatus.NO, ResponseCode.AUTHENTICATIONFAILED,
          "Invalid credentials");
      default -> session.tagged(tag, ImapStatus.NO, ResponseCode.LIMIT, "Too many logins, try again later");
    };
  }

  private Mono<Void> loggedIn(String tag, String user, String mechanism) {
    // A user added with "mailgate user add" may not have mailboxes yet: provision on first login
    // with the configured quota, never touching an existing user's.
    Mono<Quota> provisioned = session.server.store().quota(user)
        .onErrorResume(e -> e instanceof MailStoreException m
                && m.reason() == MailStoreException.Reason.NO_SUCH_USER,
            e -> session.server.provisioning().ensure(user).then(Mono.empty()));
    return provisioned.then(Mono.defer(() -> {
      session.user = user;
      session.state = ImapSession.State.AUTHENTICATED;
      session.context.loginSucceeded(user, mechanism);
      session.connection.channel().eventLoop().execute(() -> session.framer.authenticated(true));
      return session.tagged(tag, ImapStatus.OK,
          ResponseCode.capability(session.capabilities.afterLogin()), "Logged in");
    }));
  }

  Mono<Void> id(ImapCommand.Id c) {
    ImapResponseWriter w = new ImapResponseWriter(session.alloc, false).untagged().atom("ID").sp()
        .open().string("name").sp().string("mailgate").sp().string("vendor").sp().string("mailgate")
        .close().crlf();
    return session.send(List.of(w.build())).then(session.complete(c.tag(), null, "ID completed"));
  }
}
