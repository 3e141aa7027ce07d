package dev.mailgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteDecision.Outcome;
import dev.mailgate.policy.route.lookup.Lookup;
import dev.mailgate.policy.route.lookup.LookupQuery;
import dev.mailgate.policy.route.lookup.LookupResult;
import dev.mailgate.policy.route.lookup.StaticLookup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class RouterTest {
  private static final List<String> POOL = List.of("a", "b", "c");

  private static RouteFacts imap(String user, String ip) {
    return RouteFacts.forUser(user, "imap", MailProtocol.IMAP, IpLiterals.parse(ip).orElseThrow(),
        true);
  }

  private static RouteMatch users(String... globs) {
    return new RouteMatch(java.util.Arrays.stream(globs).map(Glob::new).toList(), List.of(),
        Set.of(), Set.of(), List.of());
  }

  private static Router router(List<RouteRule> rules, Map<String, Lookup> lookups,
      Set<String> down) {
    return new Router(rules, Map.of("p", POOL), lookups, b -> !down.contains(b));
  }

  @Test
  void theFirstMatchingRuleDecidesAndTheExplanationSaysWhy() {
    Router r = router(List.of(
        RouteRule.to("vip", users("ceo@*"), new RouteTarget.Backend("fast")),
        RouteRule.to("office", new RouteMatch(List.of(), List.of(), Set.of(), Set.of(),
            List.of(Cidr.parse("10.0.0.0/8"))), new RouteTarget.Backend("office")),
        RouteRule.to("rest", RouteMatch.ANY, new RouteTarget.Local())), Map.of(), Set.of());

    RouteDecision d = r.route(imap("bob@example.org", "10.2.3.4")).block();
    assertThat(d.outcome()).isEqualTo(Outcome.ROUTED);
    assertThat(d.rule()).contains("office");
    assertThat(d.candidates()).containsExactly("office");
    assertThat(d.explain()).isEqualTo("""
        rule 'vip': no match: user 'bob@example.org' matches none of [ceo@*]
        rule 'office': matched, target backend:office""");

    RouteDecision local = r.route(imap("bob@example.org", "192.0.2.1")).block();
    assertThat(local.target()).contains(new RouteTarget.Local());
    assertThat(local.candidates()).isEmpty();
  }

  @Test
  void matchesOnDomainListenerAndProtocol() {
    RouteMatch m = new RouteMatch(List.of(), List.of(new Glob("*.example.org")), Set.of("imaps"),
        Set.of(MailProtocol.POP3), List.of());
    RouteFacts f = new RouteFacts("x@mail.example.org", null, "imaps", MailProtocol.IMAP,
        IpLiterals.parse("::1").orElseThrow(), true);
    assertThat(m.mismatch(f)).contains("protocol imap is not one of [POP3]");
    assertThat(m.mismatch(new RouteFacts("x@mail.example.org", null, "imaps", MailProtocol.POP3,
        IpLiterals.parse("::1").orElseThrow(), true))).isEmpty();
    assertThat(m.mismatch(RouteFacts.forDomain("example.org", "imaps", MailProtocol.POP3,
        IpLiterals.parse("::1").orElseThrow(), false))).isPresent();
  }

  @Test
  void aPoolSendsEachUserToItsHashHomeAndFailsOverInHashOrder() {
    RouteRule rule = RouteRule.to("pool", RouteMatch.ANY, new RouteTarget.Pool("p"));
    String user = "alice@example.org";
    List<String> order = RendezvousHash.order(POOL, user);

    RouteDecision healthy = router(List.of(rule), Map.of(), Set.of()).route(imap(user, "::1"))
        .block();
    assertThat(healthy.candidates()).isEqualTo(order);

    RouteDecision homeDown = router(List.of(rule), Map.of(), Set.of(order.get(0)))
        .route(imap(user, "::1")).block();
    assertThat(homeDown.outcome()).isEqualTo(Outcome.ROUTED);
    assertThat(homeDown.candidates()).containsExactly(order.get(1), order.get(2));
    assertThat(homeDown.explain()).contains(order.get(0) + " (circuit open, skipped)");

    RouteDecision allDown = router(List.of(rule), Map.of(), Set.copyOf(POOL))
        .route(imap(user, "::1")).block();
    assertThat(allDown.outcome()).isEqualTo(Outcome.UNAVAILABLE);
  }

  @Test
  void aLookupEntryWinsAndAMissFallsToTheRuleTargetOrTheNextRule() {
    Lookup map = new StaticLookup("users", Map.of(
        "alice@example.org", new RouteTarget.Backend("old"),
        "example.net", new RouteTarget.Pool("p")));
    Router r = router(List.of(
        new RouteRule("mapped", RouteMatch.ANY, Optional.of("users"), Optional.empty()),
        RouteRule.to("rest", RouteMatch.ANY, new RouteTarget.Backend("new"))),
        Map.of("users", map), Set.of());

    assertThat(r.route(imap("Alice@example.org", "::1")).block().candidates())
        .containsExactly("old");
    assertThat(r.route(imap("zoe@example.net", "::1")).block().target())
        .contains(new RouteTarget.Pool("p"));
    RouteDecision miss = r.route(imap("bob@example.org", "::1")).block();
    assertThat(miss.candidates()).containsExactly("new");
    assertThat(miss.explain()).contains("lookup 'users' has no entry; next rule");

    Router withDefault = router(List.of(new RouteRule("mapped", RouteMatch.ANY,
        Optional.of("users"), Optional.of(new RouteTarget.Local()))), Map.of("users", map),
        Set.of());
    assertThat(withDefault.route(imap("bob@example.org", "::1")).block().target())
        .contains(new RouteTarget.Local());
  }

  @Test
  void aRefusalOrAFailedLookupIsReportedNotRoutedElsewhere() {
    Lookup refusing = lookup(Mono.just(new LookupResult.Refused("Invalid login",
        Optional.of(Duration.ofSeconds(3)), Optional.of("535 5.7.8"))));
    Lookup failing = lookup(Mono.error(new IOException("connection refused")));
    List<RouteRule> rules = List.of(
        new RouteRule("auth", RouteMatch.ANY, Optional.of("l"), Optional.empty()),
        RouteRule.to("rest", RouteMatch.ANY, new RouteTarget.Local()));

    RouteDecision refused = router(rules, Map.of("l", refusing), Set.of())
        .route(imap("a@b", "::1")).block();
    assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(refused.refusal().orElseThrow().retryAfter()).contains(Duration.ofSeconds(3));

    RouteDecision failed = router(rules, Map.of("l", failing), Set.of())
        .route(imap("a@b", "::1")).block();
    assertThat(failed.outcome()).isEqualTo(Outcome.LOOKUP_FAILED);
    assertThat(failed.explain()).contains("IOException: connection refused");
  }

  @Test
  void noMatchingRuleIsNoRoute() {
    Router r = router(List.of(RouteRule.to("only", users("x@*"), new RouteTarget.Local())),
        Map.of(), Set.of());
    RouteDecision d = r.route(imap("y@z", "::1")).block();
    assertThat(d.outcome()).isEqualTo(Outcome.NO_ROUTE);
    assertThat(d.explain()).endsWith("no rule matched: no route");
  }

  private static Lookup lookup(Mono<LookupResult> answer) {
    return new Lookup() {
      @Override
      public String name() {
        return "l";
      }

      @Override
      public Mono<LookupResult> find(LookupQuery query) {
        return answer;
      }
    };
  }
}
