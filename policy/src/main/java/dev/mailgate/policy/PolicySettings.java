package dev.mailgate.policy;

import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link PolicyEngine} is built from (the config module produces it from the
 * {@code policies:} section and the listeners' {@code allow_plaintext_auth}).
 */
public record PolicySettings(
    NetworkRules networks,
    NetworkPrefixes prefixes,
    List<ConnectionLimit> connectionLimits,
    List<RateLimitRule> rateLimits,
    AuthThrottleSettings authFailures,
    MessageLimits messages,
    boolean requireTlsForAuth,
    Map<String, List<Cidr>> plaintextAuthByListener) {

  public PolicySettings {
    connectionLimits = List.copyOf(connectionLimits);
    rateLimits = List.copyOf(rateLimits);
    plaintextAuthByListener = Map.copyOf(plaintextAuthByListener);
  }

  /** Secure defaults with no rate or connection limits (for tests and embedding). */
  public static PolicySettings defaults() {
    return new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, List.of(), List.of(),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
  }
}
