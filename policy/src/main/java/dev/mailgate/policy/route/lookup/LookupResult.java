package dev.mailgate.policy.route.lookup;

import dev.mailgate.policy.route.RouteTarget;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A lookup's answer: a target, no entry, or a refusal of the login (auth_http not OK). */
public sealed interface LookupResult {

  /**
   * An entry. {@code login} replaces the credentials replayed to the backend (auth_http's
   * Auth-User / Auth-Pass in the response).
   */
  record Found(RouteTarget target, Optional<LoginOverride> login) implements LookupResult {
    public Found {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(login, "login");
    }

    public static Found of(RouteTarget target) {
      return new Found(target, Optional.empty());
    }
  }

  /** No entry for this user or domain. */
  record NotFound() implements LookupResult {}

  /**
   * The lookup refused the login: {@code message} is auth_http's Auth-Status text, {@code retryAfter}
   * its Auth-Wait, {@code errorCode} its Auth-Error-Code (an SMTP reply code and enhanced status).
   */
  record Refused(String message, Optional<Duration> retryAfter, Optional<String> errorCode)
      implements LookupResult {
    public Refused {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
      Objects.requireNonNull(errorCode, "errorCode");
    }
  }

  /** Credentials to use towards the backend instead of the client's. Never printed. */
  record LoginOverride(String user, String password) {
    @Override
    public String toString() {
      return "LoginOverride[user=" + user + ", password=***]";
    }
  }

  NotFound NOT_FOUND = new NotFound();
}
