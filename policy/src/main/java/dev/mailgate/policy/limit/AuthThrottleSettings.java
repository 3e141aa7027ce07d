package dev.mailgate.policy.limit;

import java.time.Duration;
import java.util.Objects;

/**
 * Authentication failure throttling in the manner of Dovecot's auth penalty: after the n-th
 * distinct failure from an address, the next attempt waits {@code initialDelay * 2^(n-1)}, at most
 * {@code maxDelay}; after {@code lockoutAfter} distinct failures for one (user, address) pair that
 * pair is refused for {@code lockoutFor}. Failures are forgotten {@code forgetAfter} after the
 * last one.
 */
public record AuthThrottleSettings(
    Duration initialDelay, Duration maxDelay, int lockoutAfter, Duration lockoutFor,
    Duration forgetAfter) {

  /** Dovecot-like: 2 s doubling to 15 s; 10 failures lock a (user, IP) pair out for 15 min. */
  public static final AuthThrottleSettings DEFAULT = new AuthThrottleSettings(
      Duration.ofSeconds(2), Duration.ofSeconds(15), 10, Duration.ofMinutes(15),
      Duration.ofMinutes(15));

  public AuthThrottleSettings {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(lockoutFor, "lockoutFor");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    if (lockoutAfter < 1) {
      throw new IllegalArgumentException("lockoutAfter must be at least 1");
    }
  }
}
