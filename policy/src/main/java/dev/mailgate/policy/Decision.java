package dev.mailgate.policy;

import java.time.Duration;
import java.util.Objects;

/** A policy's verdict on one step of a session. */
public sealed interface Decision {

  /** Go on. */
  record Allow() implements Decision {}

  /**
   * Refuse this step. {@code reason} is log-safe (no passwords, no message content); {@code rule}
   * is the configured rule's name, used as the metric label. {@code retryAfter} is how long until
   * the same step would be allowed when the rule knows it (a rate's next window), else zero: a
   * session that paces instead of refusing (the proxy relay) waits that long before asking again.
   */
  record Deny(String reason, String rule, DenyKind kind, Duration retryAfter) implements Decision {
    public Deny {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("negative retryAfter");
      }
    }

    /** A refusal without a known retry time. */
    public Deny(String reason, String rule, DenyKind kind) {
      this(reason, rule, kind, Duration.ZERO);
    }
  }

  /** Go on after waiting {@code duration} (auth throttling); the session is not refused. */
  record Delay(Duration duration, String rule) implements Decision {
    public Delay {
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(rule, "rule");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("negative delay");
      }
    }
  }

  Allow ALLOW = new Allow();

  default boolean isDeny() {
    return this instanceof Deny;
  }
}
