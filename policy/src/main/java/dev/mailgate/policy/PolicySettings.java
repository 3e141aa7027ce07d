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
 *
 * <p>{@code connectionLimitExemptions}: clients in these networks are not subject to the limits
 * taken at connect (new connections per interval, concurrent connections per IP, network and
 * listener), as Postfix exempts {@code $mynetworks} from its anvil limits by default: loopback,
 * where webmail and local scripts connect from, unless configured otherwise. Login throttling and
 * per-user limits still apply to them.
 */
public record PolicySettings(
    NetworkRules networks,
    NetworkPrefixes prefixes,
    List<ConnectionLimit> connectionLimits,
    List<RateLimitRule> rateLimits,
    AuthThrottleSettings authFailures,
    MessageLimits messages,
    boolean requireTlsForAuth,
    Map<String, List<Cidr>> plaintextAuthByListener,
    List<Cidr> connectionLimitExemptions) {

  public PolicySettings {
    connectionLimitExemptions = List.copyOf(connectionLimitExemptions);
    connectionLimits = List.copyOf(connectionLimits);
    rateLimits = List.copyOf(rateLimits);
    plaintextAuthByListener = Map.copyOf(plaintextAuthByListener);
  }

  /** Settings with loopback exempt from connection limits. */
  public PolicySettings(NetworkRules networks, NetworkPrefixes prefixes,
      List<ConnectionLimit> connectionLimits, List<RateLimitRule> rateLimits,
      AuthThrottleSettings authFailures, MessageLimits messages, boolean requireTlsForAuth,
      Map<String, List<Cidr>> plaintextAuthByListener) {
    this(networks, prefixes, connectionLimits, rateLimits, authFailures, messages,
        requireTlsForAuth, plaintextAuthByListener, Cidr.LOOPBACK);
  }

  /** The same settings with other networks exempt from connection limits ({@code []}: none). */
  public PolicySettings withConnectionLimitExemptions(List<Cidr> networks) {
    return new PolicySettings(this.networks, prefixes, connectionLimits, rateLimits, authFailures,
        messages, requireTlsForAuth, plaintextAuthByListener, networks);
  }

  /** Secure defaults with no rate or connection limits (for tests and embedding). */
  public static PolicySettings defaults() {
    return new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, List.of(), List.of(),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
  }
}
