package dev.mailgate.config;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.policy.route.Router;
import dev.mailgate.policy.route.lookup.AuthHttpClient;
import dev.mailgate.policy.route.lookup.AuthHttpLookup;
import dev.mailgate.policy.route.lookup.CachedLookup;
import dev.mailgate.policy.route.lookup.FileLookup;
import dev.mailgate.policy.route.lookup.Lookup;
import dev.mailgate.policy.route.lookup.SqlLookup;
import dev.mailgate.policy.route.lookup.StaticLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.scheduler.Scheduler;

/**
 * Builds the routing objects of a configuration snapshot: every lookup (static, file, auth_http, sql)
 * wrapped in its {@link CachedLookup}, and the {@link Router}.
 *
 * <p>Usage: {@code var lookups = RoutingFactory.lookups(cfg, Schedulers.boundedElastic(),
 * http -> myAuthHttpClient(http.url(), http.timeout()), Ticker.systemTicker(),
 * ForkJoinPool.commonPool());} then {@code Router r = RoutingFactory.router(cfg, lookups,
 * backend -> !circuitOpen(backend));}. Keep the lookups across reloads when their configuration
 * is equal (their caches survive), else build them again.
 */
public final class RoutingFactory {
  private RoutingFactory() {}

  /**
   * Builds the lookups; blocking (reads lookup files), so call it off the event loop.
   *
   * @param io the bounded scheduler file lookups re-read their files and sql lookups query on
   * @param http makes the auth_http client for an http lookup (the gateway owns HTTP)
   * @throws UncheckedIOException when a lookup file cannot be read any more
   */
  public static Map<String, CachedLookup> lookups(MailgateConfig config, Scheduler io,
      Function<LookupConfig.Http, AuthHttpClient> http, Ticker ticker, Executor maintenance) {
    Map<String, CachedLookup> out = new LinkedHashMap<>();
    for (LookupConfig lc : config.lookups().values()) {
      Lookup raw;
      if (lc instanceof LookupConfig.Static s) {
        raw = new StaticLookup(s.name(), s.entries());
      } else if (lc instanceof LookupConfig.File f) {
        try {
          raw = FileLookup.open(f.name(), f.path(), io, ticker, f.checkInterval());
        } catch (IOException e) {
          throw new UncheckedIOException("lookup '" + f.name() + "': " + f.path(), e);
        }
      } else if (lc instanceof LookupConfig.Sql q) {
        raw = sql(q, io);
      } else {
        LookupConfig.Http h = (LookupConfig.Http) lc;
        raw = new AuthHttpLookup(h.name(), http.apply(h));
      }
      out.put(lc.name(), new CachedLookup(raw, lc.cache(), ticker, maintenance));
    }
    return out;
  }

  /** An SQL lookup whose queries (and connects) run on {@code io}; no connection is opened yet. */
  static SqlLookup sql(LookupConfig.Sql q, Scheduler io) {
    Properties login = new Properties();
    q.user().ifPresent(u -> login.setProperty("user", u));
    q.password().ifPresent(p -> login.setProperty("password", p));
    return new SqlLookup(q.name(), () -> DriverManager.getConnection(q.url(), login), q.query(),
        io, q.poolSize(), q.timeout());
  }

  /** The router of this snapshot over the given lookups. */
  public static Router router(MailgateConfig config, Map<String, ? extends Lookup> lookups,
      Predicate<String> available) {
    return new Router(config.routeRules(), config.poolMembers(), Map.copyOf(lookups), available);
  }
}
