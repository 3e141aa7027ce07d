package dev.mailgate.config.model;

import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import java.util.List;

/** Everything the policy chain is built from; the types are the policy module's own. */
public record PoliciesConfig(
    NetworkRules networks,
    NetworkPrefixes networkPrefixes,
    List<ConnectionLimit> connectionLimits,
    List<RateLimitRule> rateLimits,
    AuthThrottleSettings authFailures,
    MessageLimits messages,
    boolean requireTlsForAuth,
    List<Cidr> connectionLimitExemptions,
    long maxTrackedKeys) {

  public PoliciesConfig {
    connectionLimitExemptions = List.copyOf(connectionLimitExemptions);
    connectionLimits = List.copyOf(connectionLimits);
    rateLimits = List.copyOf(rateLimits);
  }
}
