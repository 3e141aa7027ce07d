package dev.mailgate.policy.route;

import dev.mailgate.policy.route.lookup.LookupResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's answer for one session, with the reasoning behind it.
 *
 * @param outcome what happened
 * @param target the target of the deciding rule or lookup, when one was found
 * @param rule the name of the deciding rule
 * @param candidates backend names to try, in order (a pool's hash order with members whose
 *     circuit is open left out; one name for a backend target; empty for local and server targets)
 * @param login credentials to replay instead of the client's (from auth_http), never printed
 * @param refusal the lookup's refusal when {@code outcome} is {@link Outcome#REFUSED}
 * @param explanation one line per rule considered, for {@code mailgate route explain}
 */
public record RouteDecision(
    Outcome outcome,
    Optional<RouteTarget> target,
    Optional<String> rule,
    List<String> candidates,
    Optional<LookupResult.LoginOverride> login,
    Optional<LookupResult.Refused> refusal,
    List<String> explanation) {

  /** The kinds of answer. */
  public enum Outcome {
    /** A target was found (and for a backend or pool, at least one candidate is available). */
    ROUTED,
    /** A lookup refused the login (auth_http status not OK): a bad-credentials reply. */
    REFUSED,
    /** No rule matched: the session has nowhere to go. */
    NO_ROUTE,
    /** The target's backends all have an open circuit: a backend-unavailable reply. */
    UNAVAILABLE,
    /** A lookup failed (service down): a temporary backend-unavailable reply. */
    LOOKUP_FAILED
  }

  public RouteDecision {
    Objects.requireNonNull(outcome, "outcome");
    candidates = List.copyOf(candidates);
    explanation = List.copyOf(explanation);
  }

  /** The explanation as printed by {@code mailgate route explain}. */
  public String explain() {
    return String.join("\n", explanation);
  }
}
