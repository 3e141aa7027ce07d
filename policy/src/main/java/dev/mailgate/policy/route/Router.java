package dev.mailgate.policy.route;

import dev.mailgate.policy.route.RouteDecision.Outcome;
import dev.mailgate.policy.route.lookup.AuthContext;
import dev.mailgate.policy.route.lookup.Lookup;
import dev.mailgate.policy.route.lookup.LookupQuery;
import dev.mailgate.policy.route.lookup.LookupResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Evaluates ordered routing rules against a session's facts (DESIGN.md, "Routing"). The first rule
 * that matches and yields a target decides. A pool target is resolved to its members in rendezvous
 * hash order on the user ({@link RendezvousHash}), leaving out members for which
 * {@code available} is false (their circuit breaker is open), so failover walks the hash order.
 *
 * <p>Immutable and thread-safe; build a new one when the configuration changes.
 */
public final class Router {
  private final List<RouteRule> rules;
  private final Map<String, List<String>> pools;
  private final Map<String, Lookup> lookups;
  private final Predicate<String> available;

  /**
   * @param rules the rules in order
   * @param pools pool name to member backend names
   * @param lookups lookup name to lookup (usually a {@link
   *     dev.mailgate.policy.route.lookup.CachedLookup})
   * @param available whether a backend may be tried now (false while its circuit is open)
   * @throws IllegalArgumentException when a rule names an unknown pool or lookup
   */
  public Router(List<RouteRule> rules, Map<String, List<String>> pools,
      Map<String, Lookup> lookups, Predicate<String> available) {
    this.rules = List.copyOf(rules);
    this.pools = Map.copyOf(pools);
    this.lookups = Map.copyOf(lookups);
    this.available = available;
    for (RouteRule r : this.rules) {
      r.lookup().ifPresent(l -> {
        if (!this.lookups.containsKey(l)) {
          throw new IllegalArgumentException("rule '" + r.name() + "' names unknown lookup " + l);
        }
      });
      if (r.target().orElse(null) instanceof RouteTarget.Pool p && !this.pools.containsKey(p.name())) {
        throw new IllegalArgumentException("rule '" + r.name() + "' names unknown pool " + p.name());
      }
    }
  }

  public Mono<RouteDecision> route(RouteFacts facts) {
    return route(facts, Optional.empty());
  }

  /** Routes a login; the context goes to lookups that authenticate (auth_http). */
  public Mono<RouteDecision> route(RouteFacts facts, Optional<AuthContext> auth) {
    return evaluate(0, new LookupQuery(facts, auth), new ArrayList<>());
  }

  private Mono<RouteDecision> evaluate(int i, LookupQuery q, List<String> why) {
    if (i >= rules.size()) {
      why.add("no rule matched: no route");
      return Mono.just(new RouteDecision(Outcome.NO_ROUTE, Optional.empty(), Optional.empty(),
          List.of(), Optional.empty(), Optional.empty(), why));
    }
    RouteRule rule = rules.get(i);
    Optional<String> mismatch = rule.match().mismatch(q.facts());
    if (mismatch.isPresent()) {
      why.add("rule '" + rule.name() + "': no match: " + mismatch.get());
      return evaluate(i + 1, q, why);
    }
    if (rule.lookup().isEmpty()) {
      why.add("rule '" + rule.name() + "': matched, target " + rule.target().get());
      return Mono.just(resolve(rule, rule.target().get(), Optional.empty(), q, why));
    }
    String lookupName = rule.lookup().get();
    return lookups.get(lookupName).find(q)
        .flatMap(result -> {
          if (result instanceof LookupResult.Found found) {
            why.add("rule '" + rule.name() + "': matched, lookup '" + lookupName + "' found "
                + found.target());
            return Mono.just(resolve(rule, found.target(), found.login(), q, why));
          }
          if (result instanceof LookupResult.Refused refused) {
            why.add("rule '" + rule.name() + "': matched, lookup '" + lookupName
                + "' refused the login: " + refused.message());
            return Mono.just(new RouteDecision(Outcome.REFUSED, Optional.empty(),
                Optional.of(rule.name()), List.of(), Optional.empty(), Optional.of(refused), why));
          }
          if (rule.target().isPresent()) {
            why.add("rule '" + rule.name() + "': matched, lookup '" + lookupName
                + "' has no entry, default target " + rule.target().get());
            return Mono.just(resolve(rule, rule.target().get(), Optional.empty(), q, why));
          }
          why.add("rule '" + rule.name() + "': matched, lookup '" + lookupName
              + "' has no entry; next rule");
          return evaluate(i + 1, q, why);
        })
        .onErrorResume(e -> {
          why.add("rule '" + rule.name() + "': lookup '" + lookupName + "' failed: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
          return Mono.just(new RouteDecision(Outcome.LOOKUP_FAILED, Optional.empty(),
              Optional.of(rule.name()), List.of(), Optional.empty(), Optional.empty(), why));
        });
  }

  private RouteDecision resolve(RouteRule rule, RouteTarget target,
      Optional<LookupResult.LoginOverride> login, LookupQuery q, List<String> why) {
    List<String> candidates;
    if (target instanceof RouteTarget.Backend b) {
      candidates = available.test(b.name()) ? List.of(b.name()) : List.of();
      if (candidates.isEmpty()) {
        why.add("backend '" + b.name() + "' is unavailable (circuit open)");
      }
    } else if (target instanceof RouteTarget.Pool p) {
      List<String> members = pools.get(p.name());
      if (members == null) {
        why.add("pool '" + p.name() + "' is not configured");
        return new RouteDecision(Outcome.NO_ROUTE, Optional.of(target), Optional.of(rule.name()),
            List.of(), login, Optional.empty(), why);
      }
      var facts = q.facts();
      String key = facts.user() != null ? facts.user() : facts.domain();
      List<String> order = RendezvousHash.order(members, key);
      candidates = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      for (String m : order) {
        if (available.test(m)) {
          candidates.add(m);
          shown.add(m);
        } else {
          shown.add(m + " (circuit open, skipped)");
        }
      }
      why.add("pool '" + p.name() + "' hash order for '" + key + "': " + String.join(", ", shown));
    } else {
      candidates = List.of();
    }
    boolean needsBackend = target instanceof RouteTarget.Backend || target instanceof RouteTarget.Pool;
    Outcome outcome = needsBackend && candidates.isEmpty() ? Outcome.UNAVAILABLE : Outcome.ROUTED;
    return new RouteDecision(outcome, Optional.of(target), Optional.of(rule.name()), candidates,
        login, Optional.empty(), why);
  }
}
