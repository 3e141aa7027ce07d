package dev.mailgate.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * A rate: at most {@code permits} units per {@code period}, with a burst of up to {@code permits}.
 * Units are connections, commands, messages, recipients or bytes depending on what is counted.
 */
public record Rate(long permits, Duration period) {
  public Rate {
    Objects.requireNonNull(period, "period");
    if (permits <= 0) {
      throw new IllegalArgumentException("permits must be positive: " + permits);
    }
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
  }

  /** Nanoseconds between two permits at the sustained rate (at least 1). */
  public long nanosPerPermit() {
    return Math.max(1L, period.toNanos() / permits);
  }

  @Override
  public String toString() {
    return permits + "/" + period;
  }
}
