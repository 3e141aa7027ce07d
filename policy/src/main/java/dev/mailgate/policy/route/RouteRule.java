package dev.mailgate.policy.route;

import java.util.Objects;
import java.util.Optional;

/**
 * One ordered routing rule. When it matches: if it names a lookup, the lookup is asked first and
 * its answer wins; when the lookup has no entry the rule's own {@code target} applies, or, without
 * one, evaluation continues with the next rule.
 */
public record RouteRule(
    String name, RouteMatch match, Optional<String> lookup, Optional<RouteTarget> target) {
  public RouteRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(target, "target");
    if (lookup.isEmpty() && target.isEmpty()) {
      throw new IllegalArgumentException("rule '" + name + "' needs a target or a lookup");
    }
  }

  public static RouteRule to(String name, RouteMatch match, RouteTarget target) {
    return new RouteRule(name, match, Optional.empty(), Optional.of(target));
  }
}
