package dev.mailgate.policy.route.lookup;

import dev.mailgate.policy.route.RouteTarget;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A map written in the configuration. Keys are user names or domains, compared without case;
 * the full user name is tried first, then the domain.
 */
public final class StaticLookup implements Lookup {
  private final String name;
  private final Map<String, RouteTarget> entries;

  public StaticLookup(String name, Map<String, RouteTarget> entries) {
    this.name = name;
    Map<String, RouteTarget> m = new HashMap<>();
    entries.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    this.entries = Map.copyOf(m);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Mono<LookupResult> find(LookupQuery query) {
    return Mono.just(findIn(entries, query));
  }

  /** Shared with {@link FileLookup}: user first, then domain. */
  static LookupResult findIn(Map<String, RouteTarget> entries, LookupQuery query) {
    String user = query.facts().user();
    if (user != null) {
      RouteTarget t = entries.get(user.toLowerCase(Locale.ROOT));
      if (t != null) {
        return LookupResult.Found.of(t);
      }
    }
    String domain = query.facts().domain();
    if (domain != null) {
      RouteTarget t = entries.get(domain);
      if (t != null) {
        return LookupResult.Found.of(t);
      }
    }
    return LookupResult.NOT_FOUND;
  }
}
