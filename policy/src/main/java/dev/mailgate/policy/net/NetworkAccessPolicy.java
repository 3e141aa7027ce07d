package dev.mailgate.policy.net;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import dev.mailgate.policy.limit.NetworkRules;

/** Allow and deny networks, checked at CONNECT; deny wins, an empty allow list allows all. */
public final class NetworkAccessPolicy implements SyncPolicy {
  private final String name;
  private final NetworkRules rules;

  public NetworkAccessPolicy(String name, NetworkRules rules) {
    this.name = name;
    this.rules = rules;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.CONNECT) {
      return Decision.ALLOW;
    }
    if (Cidr.anyContains(rules.deny(), facts.clientIp())) {
      return new Decision.Deny("client network is denied", name, DenyKind.NETWORK_DENIED);
    }
    if (!rules.allow().isEmpty() && !Cidr.anyContains(rules.allow(), facts.clientIp())) {
      return new Decision.Deny("client network is not allowed", name, DenyKind.NETWORK_DENIED);
    }
    return Decision.ALLOW;
  }
}
