package dev.mailgate.policy.shared;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the shared policies behave when the shared store does not answer.
 *
 * @param timeout how long a check waits for the store before it gives up
 * @param failClosed refuse the step (temporarily) instead of deciding on this node's own counters
 * @param onUnavailable told the rule's name each time a check could not reach the store (a metric)
 */
public record SharedOptions(Duration timeout, boolean failClosed, Consumer<String> onUnavailable) {
  public SharedOptions {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(onUnavailable, "onUnavailable");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }
}
