package dev.mailgate.policy.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import dev.mailgate.policy.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Applies one {@link RateLimitRule}: charges its counter at the stage it belongs to (connections
 * at CONNECT, commands at COMMAND, auth attempts at AUTH, messages at MAIL FROM, recipients at
 * RCPT, bytes at DATA with the message size as cost) under the rule's key, and refuses with
 * {@link DenyKind#RATE_LIMIT} when the key is over its rate.
 */
public final class RateLimitPolicy implements SyncPolicy {
  private final RateLimitRule rule;
  private final NetworkPrefixes prefixes;
  private final KeyedRateLimiter limiter;
  private final List<Cidr> exempt;

  public RateLimitPolicy(RateLimitRule rule, NetworkPrefixes prefixes, long maxKeys,
      Ticker ticker, Executor maintenance) {
    this(rule, prefixes, maxKeys, ticker, maintenance, List.of());
  }

  /** @param exempt clients whose new connections are not counted (CONNECTIONS rules only) */
  public RateLimitPolicy(RateLimitRule rule, NetworkPrefixes prefixes, long maxKeys,
      Ticker ticker, Executor maintenance, List<Cidr> exempt) {
    this.exempt = rule.counter() == Counter.CONNECTIONS ? List.copyOf(exempt) : List.of();
    this.rule = rule;
    this.prefixes = prefixes;
    this.limiter = new KeyedRateLimiter(rule.rate(), maxKeys, ticker, maintenance);
  }

  @Override
  public String name() {
    return rule.name();
  }

  public KeyedRateLimiter limiter() {
    return limiter;
  }

  static Stage stageOf(Counter c) {
    return switch (c) {
      case CONNECTIONS -> Stage.CONNECT;
      case COMMANDS -> Stage.COMMAND;
      case AUTH_ATTEMPTS -> Stage.AUTH;
      case MESSAGES -> Stage.MAIL_FROM;
      case RECIPIENTS -> Stage.RCPT;
      case BYTES -> Stage.DATA;
    };
  }

  public RateLimitRule rule() {
    return rule;
  }

  /** What this rule charges for a step: {@code cost} permits under {@code key}. */
  public record Charge(String key, long cost) {}

  /**
   * The charge these facts incur under this rule, or null when the rule does not apply (another
   * stage, an exempt client, no key). Shared counters ({@code policy.shared}) charge the same.
   */
  public Charge chargeFor(PolicyFacts facts) {
    if (facts.stage() != stageOf(rule.counter())) {
      return null;
    }
    if (!exempt.isEmpty() && Cidr.anyContains(exempt, facts.clientIp())) {
      return null;
    }
    String key = Keys.of(rule.scope(), facts, prefixes);
    if (key == null) {
      return null;
    }
    return new Charge(key, rule.counter() == Counter.BYTES ? Math.max(1, facts.messageSize()) : 1);
  }

  /** The synchronous decision (the chain wraps it). */
  @Override
  public Decision decide(PolicyFacts facts) {
    Charge charge = chargeFor(facts);
    return charge == null ? Decision.ALLOW
        : decision(limiter.tryAcquire(charge.key(), charge.cost()));
  }

  /** Allow for a zero wait, else the refusal that tells when to retry. */
  public Decision decision(Duration wait) {
    if (wait.isZero()) {
      return Decision.ALLOW;
    }
    return new Decision.Deny(rule.counter().configName() + " per " + rule.scope().configName()
        + " over " + rule.rate() + "; retry in " + Math.max(1, wait.toSeconds()) + "s",
        rule.name(), DenyKind.RATE_LIMIT, wait);
  }
}
