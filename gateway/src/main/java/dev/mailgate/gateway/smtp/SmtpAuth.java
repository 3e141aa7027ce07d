package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.SaslServerExchange;
import dev.mailgate.codec.sasl.SaslStep;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandDecoder;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.policy.AuthAttempt;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.policy.Decision;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * SMTP AUTH (RFC 4954) for one session, verified against the local {@link
 * dev.mailgate.mailbox.user.UserStore} off the event loop: PLAIN (RFC 4616) and LOGIN, with or
 * without an initial response. Replies: {@code 334} challenges, {@code 235 2.7.0},
 * {@code 535 5.7.8} bad credentials (a message that is no credentials of its mechanism, such as
 * an empty PLAIN one, too), {@code 530 5.7.0} TLS first (PRODUCT.md: plaintext AUTH only
 * from the configured networks), {@code 504 5.5.4} other mechanisms, {@code 501} cancelled or
 * undecodable, {@code 503 5.5.1} during a mail transaction (RFC 4954 4), {@code 454 4.7.0}
 * when the user store fails. Credentials are never logged and the password is wiped after the
 * check. Every login passes the session's {@link SessionPolicies}
 * first: growing delays after failures, lockout per (user, address) answered like a wrong password,
 * per-user session limits ({@code 421 4.7.0}).
 */
final class SmtpAuth {
  private final SmtpSession s;
  private SaslServerExchange exchange;
  /** The mechanism of the exchange in progress, for the login metrics. */
  private String mechanismName;

  SmtpAuth(SmtpSession session) {
    this.s = session;
  }

  boolean inProgress() {
    return exchange != null;
  }

  Mono<Void> start(SmtpCommand.Auth a) {
    SmtpReply refusal = s.authUser != null ? SmtpReplies.ALREADY_AUTHENTICATED
        : s.helo == null || !s.extended ? SmtpReplies.BAD_SEQUENCE
        // RFC 4954 4: "MUST be rejected with a 503 reply"; accepting it would drop the client's
        // MAIL and RCPTs behind its back, and its DATA would then get 503 for no reason it can see
        : s.envelope != null ? SmtpReplies.AUTH_IN_TRANSACTION
        : !s.authAllowed() ? SmtpReplies.TLS_REQUIRED
        : null;
    SaslMechanism mechanism = SaslMechanism.lookup(a.mechanism());
    if (refusal == null && (mechanism == null || !s.server.accounts().mechanisms().contains(mechanism))) {
      refusal = SmtpReplies.UNKNOWN_MECHANISM;
    }
    if (refusal != null) {
      if (refusal == SmtpReplies.TLS_REQUIRED || refusal == SmtpReplies.UNKNOWN_MECHANISM) {
        s.ctx.loginFailed(a.mechanism(), LoginOutcome.REFUSED);
      }
      s.resumeCommands();
      return s.fail(refusal);
    }
    mechanismName = mechanism.wire();
    exchange = SaslServerExchange.create(mechanism, s.settings.hostname());
    String ir = a.initialResponse();
    return step(exchange.start(ir == null ? null : Secret.ofString(ir)));
  }

  Mono<Void> response(SmtpCommand.AuthResponse r) {
    if (exchange == null) {
      s.resumeCommands();
      return s.fail(SmtpReplies.BAD_SEQUENCE);
    }
    return step(r.cancelled() ? SaslStep.Cancelled.INSTANCE
        : exchange.respond(Secret.ofString(r.base64())));
  }

  /** A line in the exchange could not be read (too long, bare LF). */
  Mono<Void> failed(DecodeFailure f) {
    exchange = null;
    // a no-op after an over-long response: the decoder drops the rest of it and resumes by itself
    s.resumeCommands();
    return s.fail(f.error() == ProtocolError.LINE_TOO_LONG
        ? SmtpReplies.LINE_TOO_LONG : SmtpReplies.BAD_ENCODING);
  }

  private Mono<Void> step(SaslStep step) {
    if (step instanceof SaslStep.Challenge c) {
      Mono<Void> sent = s.send(new SmtpReply(334, null, List.of(c.base64())));
      SmtpCommandDecoder d = s.decoder();
      if (d != null) {
        d.expectAuthResponse();
      }
      return sent;
    }
    exchange = null;
    if (step instanceof SaslStep.Success ok
        && (ok.credentials() instanceof SaslCredentials.Password || ok.credentials() instanceof SaslCredentials.Token)) {
      return verify(ok.credentials());
    }
    if (step instanceof SaslStep.Rejected) {
      return rejected();
    }
    s.resumeCommands();
    return s.fail(step == SaslStep.Cancelled.INSTANCE
        ? SmtpReplies.AUTH_CANCELLED : SmtpReplies.BAD_ENCODING);
  }

  /**
   * A message that decoded but is no credentials of its mechanism ({@code AUTH PLAIN =}, RFC 4954
   * section 4's empty initial response): an authentication failure, {@code 535 5.7.8} (501 is for
   * a response that is not base64), as Postfix with Dovecot SASL answers it. It is a guess like a
   * wrong password, so it passes the login throttle and counts as a failure there.
   */
  private Mono<Void> rejected() {
    return s.policies.authenticate("", SessionPolicies.fingerprint(new byte[0]), attempt ->
        Mono.just(attempt).publishOn(s.loop).flatMap(a -> {
          s.resumeCommands();
          if (a.decision() instanceof Decision.Deny deny) {
            s.ctx.loginFailed(mechanismName, LoginOutcome.REFUSED);
            SmtpReply r = SmtpReplies.forDeny(deny);
            return r == SmtpReplies.BAD_CREDENTIALS ? s.fail(r) : s.send(r);
          }
          a.failed();
          s.ctx.loginFailed(mechanismName);
          return s.fail(SmtpReplies.BAD_CREDENTIALS);
        }));
  }

  private Mono<Void> verify(SaslCredentials p) {
    if (p instanceof SaslCredentials.Password pw && !pw.authzid().isEmpty() && !pw.authzid().equalsIgnoreCase(pw.user())) {
      SmtpAccounts.wipe(p);
      s.resumeCommands();
      s.ctx.loginFailed(mechanismName);
      return s.fail(SmtpReplies.BAD_CREDENTIALS); // acting as another user is not supported
    }
    String login = p instanceof SaslCredentials.Password pw ? pw.user()
        : ((SaslCredentials.Token) p).user();
    // Computed now: the accounts may wipe the secret before the outcome is known.
    byte[] tried = p instanceof SaslCredentials.Password pw ? pw.password().bytes()
        : ((SaslCredentials.Token) p).token().bytes();
    long fingerprint = SessionPolicies.fingerprint(tried);
    java.util.Arrays.fill(tried, (byte) 0);
    return s.policies.authenticate(login == null ? "" : login, fingerprint, attempt ->
        Mono.just(attempt).publishOn(s.loop).flatMap(a -> {
          if (a.decision() instanceof Decision.Deny deny) {
            SmtpAccounts.wipe(p);
            s.resumeCommands();
            s.ctx.loginFailed(mechanismName, LoginOutcome.REFUSED);
            SmtpReply r = SmtpReplies.forDeny(deny);
            return r == SmtpReplies.BAD_CREDENTIALS ? s.fail(r) : s.send(r);
          }
          return check(p, a);
        }));
  }

  private Mono<Void> check(SaslCredentials p, AuthAttempt attempt) {
    return s.server.accounts().authenticate(p, s.facts())
        .map(user -> (Object) user)
        .defaultIfEmpty(Boolean.FALSE)
        .onErrorResume(MechanismUnavailable.class, e -> Mono.just(SmtpReplies.MECHANISM_UNAVAILABLE))
        .onErrorReturn(SmtpReplies.AUTH_UNAVAILABLE)
        .publishOn(s.loop)
        .flatMap(outcome -> {
          s.resumeCommands();
          if (outcome instanceof String user && s.server.accounts().keepsCredentials()) {
            s.authCredentials = p;
          } else {
            SmtpAccounts.wipe(p);
          }
          if (outcome instanceof String user) {
            attempt.succeeded();
            return s.policies.openUserSession(user).flatMap(slot -> {
              if (slot instanceof Decision.Deny deny) {
                s.ctx.loginFailed(mechanismName, LoginOutcome.REFUSED);
                return s.close(SmtpReplies.forDeny(deny));
              }
              s.authUser = user;
              s.ctx.loginSucceeded(user, mechanismName);
              return s.send(SmtpReplies.AUTH_OK);
            });
          }
          s.ctx.loginFailed(mechanismName, outcome instanceof SmtpReply ? LoginOutcome.ERROR : LoginOutcome.FAILURE);
          if (outcome instanceof SmtpReply r) {
            return s.send(r);
          }
          attempt.failed();
          return s.fail(SmtpReplies.BAD_CREDENTIALS);
        });
  }
}
