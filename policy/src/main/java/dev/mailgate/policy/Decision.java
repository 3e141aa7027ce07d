package dev.mailgate.policy;

import java.time.Duration;
import java.util.Objects;

/** A policy's verdict on one step of a session. */
public sealed interface Decision {

  /** Go on. */
  record Allow() implements Decision {}

  /**
   * Refuse this step. {@code reason} is log-safe (no passwords, no message content); {@code rule}
   * is the configured rule's name, used as the metric label.
   */
  record Deny(String reason, String rule, DenyKind kind) implements Decision {
    public Deny {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(kind, "kind");
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
