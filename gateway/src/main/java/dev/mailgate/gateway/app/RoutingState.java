package dev.mailgate.gateway.app;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.config.RoutingFactory;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.admin.RoutingCache;
import dev.mailgate.policy.route.Router;
import dev.mailgate.policy.route.lookup.CachedLookup;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The router and its cached lookups for the running configuration. {@link #apply} builds them from
 * a snapshot; lookups whose configuration did not change are kept across a reload, with their
 * caches. Also the admin API's {@link RoutingCache}: invalidation drops cached lookup answers.
 */
public final class RoutingState implements RoutingCache {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingState.class);

  private final Scheduler io;
  private final Predicate<String> available;
  private Map<String, LookupConfig> lookupConfigs = Map.of();
  private volatile Map<String, CachedLookup> lookups = Map.of();
  private volatile Router router;

  /**
   * @param io the bounded scheduler file lookups read on
   * @param available whether a backend may be tried (its circuit is not open)
   */
  public RoutingState(Scheduler io, Predicate<String> available) {
    this.io = io;
    this.available = available;
  }

  /** Builds lookups and router for {@code config}; blocking (reads lookup files). */
  public synchronized void apply(MailgateConfig config) {
    if (!config.lookups().equals(lookupConfigs)) {
      Map<String, CachedLookup> old = lookups;
      lookups = RoutingFactory.lookups(config, io,
          http -> new ReactorAuthHttpClient(http.url(), http.timeout()),
          Ticker.systemTicker(), ForkJoinPool.commonPool());
      lookupConfigs = config.lookups();
      old.values().forEach(RoutingState::closeQuietly); // an sql lookup's idle connections
    }
    router = RoutingFactory.router(config, lookups, available);
  }

  private static void closeQuietly(CachedLookup l) {
    try {
      l.close();
    } catch (Exception e) {
      LOG.warn("lookup '{}': closing after a reload failed: {}", l.name(), e.toString());
    }
  }

  public Router router() {
    return router;
  }

  @Override
  public Mono<Void> invalidateAll() {
    return Mono.fromRunnable(() -> lookups.values().forEach(CachedLookup::invalidateAll));
  }

  @Override
  public Mono<Void> invalidateUser(String user) {
    return Mono.fromRunnable(() -> lookups.values().forEach(l -> {
      l.invalidate(user);
      int at = user.lastIndexOf('@');
      if (at >= 0) {
        l.invalidate(user.substring(at + 1));
      }
    }));
  }
}
