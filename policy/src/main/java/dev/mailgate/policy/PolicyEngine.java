package dev.mailgate.policy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.auth.AuthOutcomes;
import dev.mailgate.policy.auth.AuthThrottle;
import dev.mailgate.policy.auth.TlsBeforeAuthPolicy;
import dev.mailgate.policy.limit.ConnectionLimiter;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.RateLimitPolicy;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.message.MessageSizePolicy;
import dev.mailgate.policy.message.RecipientLimitPolicy;
import dev.mailgate.policy.message.SenderOwnershipPolicy;
import dev.mailgate.policy.net.NetworkAccessPolicy;
import dev.mailgate.policy.shared.SharedAuthThrottle;
import dev.mailgate.policy.shared.SharedPolicies;
import dev.mailgate.policy.shared.SharedSessionLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The policies of one configuration, wired in their order: network access, TLS before auth, auth
 * throttling, message size, recipients, sender ownership, then the rate limits in configured order
 * (last, so that a step refused by a rule before them does not use up a permit).
 * Stateful parts (rate buckets, failure records, connection counts) live here, so the gateway
 * keeps one engine across reloads whose {@link PolicySettings} are equal, and builds a new one
 * when they change.
 *
 * <p>In a session: {@code connections().onConnect(f)} then {@code chain().evaluate(f)} at
 * CONNECT; at login {@code chain().evaluate(f.withAuthAttempt(user, tls))}, after its delay
 * {@code authThrottle().reserve(f, fingerprint)} (the pair's lockout slot), then
 * {@code authOutcomes().recordFailure/recordSuccess}, the reservation released, and
 * {@code connections().onLogin(f)}; per
 * command, MAIL, RCPT and end of DATA {@code chain().evaluate(...)}; close the leases at the end.
 */
public final class PolicyEngine {
  public static final String NETWORK_ACCESS = "network-access";
  public static final String TLS_BEFORE_AUTH = "tls-before-auth";
  public static final String AUTH_FAILURES = "auth-failures";
  public static final String MAX_MESSAGE_SIZE = "max-message-size";
  public static final String MAX_RECIPIENTS = "max-recipients";
  public static final String SENDER_MUST_MATCH_USER = "sender-must-match-user";

  private final PolicySettings settings;
  private final PolicyChain chain;
  private final ConnectionLimiter connections;
  private final AuthThrottle authThrottle;
  private final AuthOutcomes authOutcomes;
  private final SharedSessionLimits sharedSessions;
  private final TlsBeforeAuthPolicy tlsBeforeAuth;
  private final SenderOwnershipPolicy senderOwnership;
  private final List<RateLimitPolicy> rateLimits;
  private final List<Policy> commandLimits;

  private PolicyEngine(PolicySettings s, long maxKeys, Ticker ticker, Executor maintenance,
      SharedPolicies shared) {
    this.settings = s;
    this.connections = new ConnectionLimiter(s.connectionLimits(), s.prefixes(),
        s.connectionLimitExemptions());
    this.tlsBeforeAuth = new TlsBeforeAuthPolicy(TLS_BEFORE_AUTH, s.requireTlsForAuth(),
        s.plaintextAuthByListener());
    this.authThrottle = new AuthThrottle(AUTH_FAILURES, s.authFailures(), maxKeys, ticker,
        maintenance);
    List<RateLimitPolicy> rates = new ArrayList<>();
    for (RateLimitRule r : s.rateLimits()) {
      rates.add(new RateLimitPolicy(r, s.prefixes(), maxKeys, ticker, maintenance,
          s.connectionLimitExemptions()));
    }
    this.rateLimits = List.copyOf(rates);
    List<Policy> all = new ArrayList<>();
    all.add(new NetworkAccessPolicy(NETWORK_ACCESS, s.networks()));
    all.add(tlsBeforeAuth);
    this.sharedSessions = shared == null ? null : shared.sessions();
    if (shared == null) {
      this.authOutcomes = authThrottle;
      all.add(authThrottle);
    } else {
      SharedAuthThrottle sharedAuth = shared.authThrottle(authThrottle);
      this.authOutcomes = sharedAuth;
      all.add(sharedAuth);
    }
    all.add(new MessageSizePolicy(MAX_MESSAGE_SIZE, s.messages().maxMessageSize()));
    all.add(new RecipientLimitPolicy(MAX_RECIPIENTS, s.messages().maxRecipients()));
    this.senderOwnership = s.messages().senderMustMatchUser()
        ? new SenderOwnershipPolicy(SENDER_MUST_MATCH_USER, s.messages().senderAliases()) : null;
    if (senderOwnership != null) {
      all.add(senderOwnership);
    }
    // Rate limits last: a step refused by a stateless rule above must not use up a permit.
    List<Policy> commands = new ArrayList<>();
    for (RateLimitPolicy r : rateLimits) {
      Policy p = shared == null ? r : shared.rateLimit(r);
      all.add(p);
      if (r.rule().counter() == Counter.COMMANDS) {
        commands.add(p);
      }
    }
    this.commandLimits = List.copyOf(commands);
    this.chain = new PolicyChain(all);
  }

  /** An engine on the system clock, tracking {@link PolicySettings#maxTrackedKeys} keys per map. */
  public static PolicyEngine create(PolicySettings settings) {
    return new PolicyEngine(settings, settings.maxTrackedKeys(), Ticker.systemTicker(),
        ForkJoinPool.commonPool(), null);
  }

  /**
   * An engine on the system clock whose rate limits and login-failure throttling are counted
   * across the cluster in {@code shared}, with this engine's own counters as the fallback.
   */
  public static PolicyEngine create(PolicySettings settings, SharedPolicies shared) {
    return new PolicyEngine(settings, settings.maxTrackedKeys(), Ticker.systemTicker(),
        ForkJoinPool.commonPool(), java.util.Objects.requireNonNull(shared, "shared"));
  }

  /**
   * An engine on the given clock, with cache maintenance run on {@code maintenance}; {@code
   * maxKeys} replaces {@link PolicySettings#maxTrackedKeys} (tests and benchmarks).
   */
  public static PolicyEngine create(PolicySettings settings, long maxKeys, Ticker ticker,
      Executor maintenance) {
    return new PolicyEngine(settings, maxKeys, ticker, maintenance, null);
  }

  public PolicySettings settings() {
    return settings;
  }

  public PolicyChain chain() {
    return chain;
  }

  public ConnectionLimiter connections() {
    return connections;
  }

  public AuthThrottle authThrottle() {
    return authThrottle;
  }

  /**
   * The cluster-wide per-user and per-domain session limits, or null when counters are not
   * shared; a session takes its slots there after {@code connections().onLogin}.
   */
  public SharedSessionLimits sharedSessions() {
    return sharedSessions;
  }

  /** Where sessions report login outcomes: the throttle, and the shared counters when shared. */
  public AuthOutcomes authOutcomes() {
    return authOutcomes;
  }

  /** Also answers whether to advertise LOGINDISABLED / withhold AUTH before TLS. */
  public TlsBeforeAuthPolicy tlsBeforeAuth() {
    return tlsBeforeAuth;
  }

  /**
   * The sender-ownership rule with the configured aliases, or null when
   * {@code sender_must_match_user} is off. The gateway asks it first and then its account store
   * (local users' aliases), and evaluates the chain with no sender once ownership is settled.
   */
  public SenderOwnershipPolicy senderOwnership() {
    return senderOwnership;
  }

  public List<RateLimitPolicy> rateLimits() {
    return rateLimits;
  }

  /**
   * The chain's members that count commands (the commands-per-interval rules, shared ones as the
   * chain holds them), in configured order; empty when none is configured. Only the COMMAND stage
   * charges them, and nothing else in the chain acts at that stage, so asking these one by one is
   * the chain's decision for a command (the proxy relay paces with them: a rule that already gave
   * its permit is not charged again while another rule's key waits for its next window).
   */
  public List<Policy> commandLimits() {
    return commandLimits;
  }

  /** One line per rule a session meets, for {@code mailgate route explain}. */
  public List<String> describe() {
    PolicySettings s = settings;
    List<String> out = new ArrayList<>();
    out.add(NETWORK_ACCESS + ": allow " + (s.networks().allow().isEmpty() ? "all"
        : s.networks().allow()) + ", deny " + s.networks().deny());
    out.add(TLS_BEFORE_AUTH + ": " + (s.requireTlsForAuth()
        ? "login needs TLS except from the listener's allow_plaintext_auth networks"
        : "off"));
    var a = s.authFailures();
    out.add(AUTH_FAILURES + ": delay " + a.initialDelay() + " doubling to " + a.maxDelay()
        + ", lockout of (user, address) after " + a.lockoutAfter() + " for " + a.lockoutFor());
    out.add("tracked keys: at most " + s.maxTrackedKeys() + " per rate-limit rule and per"
        + " auth-failure map");
    if (!s.connectionLimitExemptions().isEmpty()) {
      out.add("connection limits: not applied to " + s.connectionLimitExemptions());
    }
    for (var c : s.connectionLimits()) {
      out.add(c.name() + ": at most " + c.max() + " sessions per " + c.scope().configName());
    }
    out.add(MAX_MESSAGE_SIZE + ": " + s.messages().maxMessageSize() + " bytes");
    out.add(MAX_RECIPIENTS + ": " + s.messages().maxRecipients() + " per message");
    if (s.messages().senderMustMatchUser()) {
      out.add(SENDER_MUST_MATCH_USER + ": on");
    }
    for (RateLimitPolicy r : rateLimits) {
      out.add(r.name() + ": " + r.limiter().rate() + " per key");
    }
    return out;
  }

  /** The SIZE to advertise in EHLO (RFC 1870). */
  public long maxMessageSize() {
    return settings.messages().maxMessageSize();
  }
}
