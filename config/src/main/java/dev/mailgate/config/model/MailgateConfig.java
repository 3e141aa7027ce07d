package dev.mailgate.config.model;

import dev.mailgate.policy.route.RouteRule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration: one immutable snapshot. Sessions keep the snapshot they started with;
 * a reload builds a new one and swaps it ({@link dev.mailgate.config.ConfigHolder}).
 */
public record MailgateConfig(
    Optional<Path> source,
    ServerConfig server,
    AdminConfig admin,
    List<ListenerConfig> listeners,
    TlsConfig tls,
    List<BackendConfig> backends,
    List<PoolConfig> pools,
    Map<String, LookupConfig> lookups,
    List<RouteConfig> routes,
    AuthenticationConfig authentication,
    PoliciesConfig policies,
    LocalConfig local,
    RelayConfig relay,
    StoreConfig store,
    ClusterConfig cluster) {

  /** One node on the embedded store (the shape before {@code store:} and {@code cluster:}). */
  public MailgateConfig(Optional<Path> source, ServerConfig server, AdminConfig admin,
      List<ListenerConfig> listeners, TlsConfig tls, List<BackendConfig> backends,
      List<PoolConfig> pools, Map<String, LookupConfig> lookups, List<RouteConfig> routes,
      AuthenticationConfig authentication, PoliciesConfig policies, LocalConfig local,
      RelayConfig relay) {
    this(source, server, admin, listeners, tls, backends, pools, lookups, routes, authentication,
        policies, local, relay, StoreConfig.SQLITE, ClusterConfig.STANDALONE);
  }

  public MailgateConfig {
    listeners = List.copyOf(listeners);
    backends = List.copyOf(backends);
    pools = List.copyOf(pools);
    lookups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lookups));
    routes = List.copyOf(routes);
  }

  public Optional<ListenerConfig> listener(String name) {
    return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
  }

  public Optional<BackendConfig> backend(String name) {
    for (BackendConfig b : backends) { // asked on every proxied login: no stream pipeline
      if (b.name().equals(name)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** Pool name to member names, as {@link dev.mailgate.policy.route.Router} takes them. */
  public Map<String, List<String>> poolMembers() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    pools.forEach(p -> m.put(p.name(), p.members()));
    return m;
  }

  /**
   * The policy module's settings for this configuration: the {@code policies:} section plus each
   * listener's {@code allow_plaintext_auth}. Build a {@link dev.mailgate.policy.PolicyEngine} from
   * it, and keep the old engine (and its counters) across a reload when it is equal.
   */
  public dev.mailgate.policy.PolicySettings policySettings() {
    Map<String, List<dev.mailgate.policy.net.Cidr>> plaintext = new LinkedHashMap<>();
    listeners.forEach(l -> plaintext.put(l.name(), l.allowPlaintextAuth()));
    return new dev.mailgate.policy.PolicySettings(policies.networks(), policies.networkPrefixes(),
        policies.connectionLimits(), policies.rateLimits(), policies.authFailures(),
        policies.messages(), policies.requireTlsForAuth(), plaintext,
        policies.connectionLimitExemptions(), policies.maxTrackedKeys());
  }

  /** The routing rules in order, as {@link dev.mailgate.policy.route.Router} takes them. */
  public List<RouteRule> routeRules() {
    return routes.stream().map(RouteConfig::rule).toList();
  }
}
