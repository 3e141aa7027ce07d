package dev.mailgate.config;

import dev.mailgate.config.model.PoliciesConfig;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Binds {@code policies:} into the policy module's own settings records. */
final class PolicyBinder {
  /** Used when {@code connection_limits} is absent; {@code []} turns them off. */
  static final List<ConnectionLimit> DEFAULT_CONNECTION_LIMITS = List.of(
      new ConnectionLimit("connections-per-ip", KeyScope.IP, 100),
      new ConnectionLimit("connections-per-user", KeyScope.USER, 50));

  /** Used when {@code rate_limits} is absent; {@code []} turns them off. */
  static final List<RateLimitRule> DEFAULT_RATE_LIMITS = List.of(
      new RateLimitRule("new-connections-per-ip", Counter.CONNECTIONS, KeyScope.IP,
          new Rate(120, Duration.ofMinutes(1))),
      new RateLimitRule("messages-per-user", Counter.MESSAGES, KeyScope.USER,
          new Rate(1000, Duration.ofHours(1))),
      new RateLimitRule("recipients-per-user", Counter.RECIPIENTS, KeyScope.USER,
          new Rate(5000, Duration.ofHours(1))));

  private PolicyBinder() {}

  static PoliciesConfig bind(Section s) {
    Section n = s.section("networks");
    NetworkRules networks = new NetworkRules(n.networks("allow", List.of()),
        n.networks("deny", List.of()));
    NetworkPrefixes prefixes = new NetworkPrefixes(
        n.integer("ipv4_prefix", NetworkPrefixes.DEFAULT.ipv4(), 0, 32),
        n.integer("ipv6_prefix", NetworkPrefixes.DEFAULT.ipv6(), 0, 128));
    // Postfix exempts $mynetworks from its client limits the same way: webmail and local
    // scripts connect from loopback
    List<Cidr> exempt = n.networks("exempt_from_connection_limits", Cidr.LOOPBACK);
    n.finish();
    Set<String> ruleNames = new HashSet<>();
    List<ConnectionLimit> connections = s.has("connection_limits")
        ? connectionLimits(s, ruleNames) : DEFAULT_CONNECTION_LIMITS;
    List<RateLimitRule> rates = s.has("rate_limits") ? rateLimits(s, ruleNames)
        : DEFAULT_RATE_LIMITS;
    AuthThrottleSettings auth = authFailures(s.section("auth_failures"));
    MessageLimits messages = messages(s.section("messages"));
    boolean tlsForAuth = s.bool("require_tls_for_auth", true);
    long maxKeys = s.integer("max_tracked_keys", (int) PolicySettings.DEFAULT_MAX_TRACKED_KEYS,
        1_000, 100_000_000);
    s.finish();
    return new PoliciesConfig(networks, prefixes, connections, rates, auth, messages, tlsForAuth,
        exempt, maxKeys);
  }

  private static List<ConnectionLimit> connectionLimits(Section parent, Set<String> ruleNames) {
    List<ConnectionLimit> out = new ArrayList<>();
    int i = 0;
    for (YNode item : parent.list("connection_limits")) {
      i++;
      Section s = Section.of(item, parent.errors(), parent.qualified("connection_limits[" + i
          + "]"));
      KeyScope per = s.enumValue("per", KeyScope.class, null);
      int max = s.integer("max", 0, 1, 10_000_000);
      String name = name(s, per == null ? "connections" : "connections-per-" + per.configName(),
          ruleNames);
      if (per == null && !s.has("per")) {
        s.error("per", "a connection limit needs per: ip, network, user, domain or listener");
      }
      if (!s.has("max")) {
        s.error("max", "a connection limit needs max");
      }
      s.finish();
      if (per != null && max > 0) {
        out.add(new ConnectionLimit(name, per, max));
      }
    }
    return out;
  }

  private static List<RateLimitRule> rateLimits(Section parent, Set<String> ruleNames) {
    List<RateLimitRule> out = new ArrayList<>();
    int i = 0;
    for (YNode item : parent.list("rate_limits")) {
      i++;
      Section s = Section.of(item, parent.errors(), parent.qualified("rate_limits[" + i + "]"));
      Counter count = s.enumValue("count", Counter.class, null);
      KeyScope per = s.enumValue("per", KeyScope.class, null);
      Optional<Rate> rate = s.rate("rate");
      String name = name(s, (count == null ? "rate" : count.configName()) + "-per-"
          + (per == null ? "key" : per.configName()), ruleNames);
      if (count == null && !s.has("count")) {
        s.error("count", "a rate limit needs count: connections, commands, auth_attempts,"
            + " messages, recipients or bytes");
      }
      if (per == null && !s.has("per")) {
        s.error("per", "a rate limit needs per: ip, network, user, domain or listener");
      }
      if (rate.isEmpty() && !s.has("rate")) {
        s.error("rate", "a rate limit needs a rate, e.g. 100/hour");
      }
      s.finish();
      if (count != null && per != null && rate.isPresent()) {
        out.add(new RateLimitRule(name, count, per, rate.get()));
      }
    }
    return out;
  }

  private static String name(Section s, String dflt, Set<String> ruleNames) {
    String name = s.optString("name").orElse(dflt);
    if (!ruleNames.add(name)) {
      s.error("name", "duplicate policy rule name '" + name + "' (names label metrics)");
    }
    return name;
  }

  private static AuthThrottleSettings authFailures(Section s) {
    AuthThrottleSettings d = AuthThrottleSettings.DEFAULT;
    AuthThrottleSettings out = new AuthThrottleSettings(
        s.duration("initial_delay", d.initialDelay()),
        s.duration("max_delay", d.maxDelay()),
        s.integer("lockout_after", d.lockoutAfter(), 1, 1_000_000),
        s.duration("lockout_for", d.lockoutFor()),
        s.duration("forget_after", d.forgetAfter()));
    if (out.maxDelay().compareTo(out.initialDelay()) < 0) {
      s.error("max_delay", "max_delay is shorter than initial_delay");
    }
    s.finish();
    return out;
  }

  private static MessageLimits messages(Section s) {
    MessageLimits d = MessageLimits.DEFAULT;
    long size = s.size("max_message_size", d.maxMessageSize());
    if (size < 1) {
      s.error("max_message_size", "must be at least 1 byte");
      size = d.maxMessageSize();
    }
    int recipients = s.integer("max_recipients", d.maxRecipients(), 1, 100_000);
    boolean senderMatch = s.bool("sender_must_match_user", d.senderMustMatchUser());
    Map<String, Set<String>> aliases = new LinkedHashMap<>();
    Section a = s.section("sender_aliases");
    a.acceptAll();
    for (YNode.Entry e : a.entries().values()) {
      Set<String> addrs = new LinkedHashSet<>();
      for (String addr : a.strings(e.key(), List.of())) {
        addrs.add(addr.toLowerCase(Locale.ROOT));
      }
      aliases.put(e.key().toLowerCase(Locale.ROOT), Set.copyOf(addrs));
    }
    s.finish();
    return new MessageLimits(size, recipients, senderMatch, aliases);
  }
}
