package dev.mailgate.policy.limit;

import dev.mailgate.policy.Rate;
import java.util.Objects;

/** At most {@code rate} of {@code counter} per key of {@code scope}; {@code name} labels refusals. */
public record RateLimitRule(String name, Counter counter, KeyScope scope, Rate rate) {
  public RateLimitRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(rate, "rate");
  }
}
