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
 *
 * <p>{@code maxTrackedKeys}: how many keys each rate-limit rule, and each of the auth throttle's
 * three maps (per address, per user, per (user, address)), holds before the least recently used
 * are evicted. It bounds memory when many distinct addresses knock: docs/configuration.md gives
 * the bytes per key. An evicted key starts afresh (a full bucket, no failures).
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
    List<Cidr> connectionLimitExemptions,
    long maxTrackedKeys) {

  /** Keys per rate-limit rule and per auth-throttle map unless configured. */
  public static final long DEFAULT_MAX_TRACKED_KEYS = 100_000;

  public PolicySettings {
    if (maxTrackedKeys < 1) {
      throw new IllegalArgumentException("maxTrackedKeys < 1");
    }
    connectionLimitExemptions = List.copyOf(connectionLimitExemptions);
    connectionLimits = List.copyOf(connectionLimits);
    rateLimits = List.copyOf(rateLimits);
    plaintextAuthByListener = Map.copyOf(plaintextAuthByListener);
  }

  /** Settings tracking the default number of keys. */
  public PolicySettings(NetworkRules networks, NetworkPrefixes prefixes,
      List<ConnectionLimit> connectionLimits, List<RateLimitRule> rateLimits,
      AuthThrottleSettings authFailures, MessageLimits messages, boolean requireTlsForAuth,
      Map<String, List<Cidr>> plaintextAuthByListener, List<Cidr> connectionLimitExemptions) {
    this(networks, prefixes, connectionLimits, rateLimits, authFailures, messages,
        requireTlsForAuth, plaintextAuthByListener, connectionLimitExemptions,
        DEFAULT_MAX_TRACKED_KEYS);
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
        messages, requireTlsForAuth, plaintextAuthByListener, networks, maxTrackedKeys);
  }

  /** The same settings with another bound on the keys each map tracks. */
  public PolicySettings withMaxTrackedKeys(long max) {
    return new PolicySettings(networks, prefixes, connectionLimits, rateLimits, authFailures,
        messages, requireTlsForAuth, plaintextAuthByListener, connectionLimitExemptions, max);
  }

  /** Secure defaults with no rate or connection limits (for tests and embedding). */
  public static PolicySettings defaults() {
    return new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, List.of(), List.of(),
        AuthThrottleSettings.DEFAULT, MessageLimits.DEFAULT, true, Map.of());
  }
}
