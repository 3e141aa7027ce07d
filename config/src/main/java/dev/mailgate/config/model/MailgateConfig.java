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
    RelayConfig relay) {

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
    return backends.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** Pool name to member names, as {@link dev.mailgate.policy.route.Router} takes them. */
  public Map<String, List<String>> poolMembers() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    pools.forEach(p -> m.put(p.name(), p.members()));
    return m;
  }

  /** The routing rules in order, as {@link dev.mailgate.policy.route.Router} takes them. */
  public List<RouteRule> routeRules() {
    return routes.stream().map(RouteConfig::rule).toList();
  }
}
