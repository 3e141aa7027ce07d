package dev.mailgate.policy.route;

import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conditions of one routing rule. Every non-empty condition must hold; within a condition any
 * listed value may match. An empty condition matches everything.
 */
public record RouteMatch(
    List<Glob> users,
    List<Glob> domains,
    Set<String> listeners,
    Set<MailProtocol> protocols,
    List<Cidr> networks) {

  public static final RouteMatch ANY = new RouteMatch(List.of(), List.of(), Set.of(), Set.of(),
      List.of());

  public RouteMatch {
    users = List.copyOf(users);
    domains = List.copyOf(domains);
    listeners = Set.copyOf(listeners);
    protocols = Set.copyOf(protocols);
    networks = List.copyOf(networks);
  }

  /** Empty when the facts match, else why not (for {@code mailgate route explain}). */
  public Optional<String> mismatch(RouteFacts f) {
    if (!users.isEmpty() && users.stream().noneMatch(g -> g.matches(f.user()))) {
      return Optional.of("user " + quote(f.user()) + " matches none of " + users);
    }
    if (!domains.isEmpty() && domains.stream().noneMatch(g -> g.matches(f.domain()))) {
      return Optional.of("domain " + quote(f.domain()) + " matches none of " + domains);
    }
    if (!listeners.isEmpty() && !listeners.contains(f.listener())) {
      return Optional.of("listener '" + f.listener() + "' is not one of " + listeners);
    }
    if (!protocols.isEmpty() && !protocols.contains(f.protocol())) {
      return Optional.of("protocol " + f.protocol().configName() + " is not one of " + protocols);
    }
    if (!networks.isEmpty() && !Cidr.anyContains(networks, f.clientIp())) {
      return Optional.of("client " + f.clientIp().getHostAddress() + " is in none of " + networks);
    }
    return Optional.empty();
  }

  private static String quote(String s) {
    return s == null ? "(none)" : "'" + s + "'";
  }
}
