package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.policy.Decision;
import java.util.Arrays;
import reactor.core.publisher.Mono;

/**
 * The check of a completed POP3 login ({@link Pop3PreLogin}): the session's login throttle (a delay
 * after failures, the (user, address) lockout, a refusal by policy), then the {@link
 * Pop3Authenticator}, with the outcome counted in the login metrics and settled in the throttle
 * while its slot is still held, so no parallel guess slips in between. The per-user session
 * limits come after, in {@link Pop3PreLogin}: wrong passwords never hold a slot.
 *
 * @param <T> what an accepted login carries
 */
final class Pop3LoginCheck<T> {

  private final SessionContext ctx;
  private final Pop3Authenticator<T> authenticator;

  Pop3LoginCheck(SessionContext ctx, Pop3Authenticator<T> authenticator) {
    this.ctx = ctx;
    this.authenticator = authenticator;
  }

  /**
   * Checks {@code credentials}; the Mono never fails for the authenticator's sake (its errors are
   * {@code -ERR [SYS/TEMP]}). A refusal by policy or the authenticator is counted here; a success
   * is the caller's to count once the session limits allowed it.
   */
  Mono<Pop3LoginResult<T>> login(SaslCredentials credentials, String mechanism) {
    String name = credentials.user();
    // Computed now: the authenticator wipes the password before the outcome is known.
    byte[] tried = secret(credentials).bytes();
    long fingerprint = SessionPolicies.fingerprint(tried);
    Arrays.fill(tried, (byte) 0);
    Pop3ClientFacts facts = new Pop3ClientFacts(ctx.client(), ctx.local(), ctx.listener().name(), ctx.isTls());
    return ctx.policies().authenticate(name, fingerprint, attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        secret(credentials).clear();
        ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
        return Mono.just(new Pop3LoginResult.Refused<>(refusal(deny)));
      }
      return authenticator.login(credentials, facts)
          .onErrorResume(e -> Mono.just(new Pop3LoginResult.Refused<>(
              Status.err(Pop3RespCode.SYS_TEMP, "temporary failure, try again later"))))
          .map(r -> {
            if (r instanceof Pop3LoginResult.Accepted<T>) {
              attempt.succeeded();
              return r;
            }
            Status no = ((Pop3LoginResult.Refused<T>) r).reply();
            if (Pop3RespCode.AUTH.wire().equals(no.code())) {
              attempt.failed();
            }
            // SYS/TEMP: the check could not be made (store or backend unavailable)
            ctx.loginFailed(mechanism, Pop3RespCode.SYS_TEMP.wire().equals(no.code())
                ? LoginOutcome.ERROR : LoginOutcome.FAILURE);
            return r;
          });
    });
  }

  /**
   * A message that decoded but is no credentials of its mechanism ({@code AUTH PLAIN =}, RFC 5034
   * section 4's empty initial response): a failed authentication, {@code -ERR [AUTH]} (RFC 3206),
   * as Dovecot answers it. It is a guess like a wrong password, so it passes the login throttle
   * and counts as a failure there. Emits the reply.
   */
  Mono<Status> rejected(String mechanism) {
    return ctx.policies().authenticate("", SessionPolicies.fingerprint(new byte[0]), attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
        return Mono.just(refusal(deny));
      }
      attempt.failed();
      ctx.loginFailed(mechanism);
      return Mono.just(Status.err(Pop3RespCode.AUTH, "authentication failed"));
    });
  }

  /** The password or bearer token the credentials carry. */
  private static Secret secret(SaslCredentials credentials) {
    return credentials instanceof SaslCredentials.Password p ? p.password() : ((SaslCredentials.Token) credentials).token();
  }

  /**
   * A login a policy refused (PRODUCT.md "How it answers"); a locked-out (user, address) pair
   * gets the same answer as a wrong password, so a guesser learns nothing from it.
   */
  static Status refusal(Decision.Deny deny) {
    return switch (deny.kind()) {
      case TLS_REQUIRED -> Pop3PreLogin.tlsRequired();
      case AUTH_THROTTLED -> Status.err(Pop3RespCode.AUTH, "authentication failed");
      case TOO_MANY_CONNECTIONS -> Status.err(Pop3RespCode.IN_USE, "too many sessions, try again later");
      default -> Status.err(Pop3RespCode.SYS_TEMP, "too many logins, try again later");
    };
  }
}
