package dev.mailgate.policy.route.lookup;

import dev.mailgate.policy.route.RouteFacts;
import java.util.Objects;
import java.util.Optional;

/** One question to a lookup: the routing facts and, during a login, the attempt's context. */
public record LookupQuery(RouteFacts facts, Optional<AuthContext> auth) {
  public LookupQuery {
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(auth, "auth");
  }

  public static LookupQuery of(RouteFacts facts) {
    return new LookupQuery(facts, Optional.empty());
  }
}
