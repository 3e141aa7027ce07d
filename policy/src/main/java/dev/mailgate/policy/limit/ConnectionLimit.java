package dev.mailgate.policy.limit;

import java.util.Objects;

/** At most {@code max} concurrent sessions per key of {@code scope}; {@code name} labels refusals. */
public record ConnectionLimit(String name, KeyScope scope, int max) {
  public ConnectionLimit {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scope, "scope");
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
  }
}
