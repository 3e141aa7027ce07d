package dev.mailgate.gateway.app;

import dev.mailgate.config.ConfigHolder;
import dev.mailgate.config.ConfigLoader;
import dev.mailgate.config.ConfigWatcher;
import dev.mailgate.config.ReloadResult;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.admin.AdminApi;
import dev.mailgate.gateway.admin.AdminServer;
import dev.mailgate.gateway.admin.AdminSettings;
import dev.mailgate.gateway.admin.Reloader;
import dev.mailgate.gateway.admin.RoutingCache;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.logging.SessionLog;
import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.metrics.MeteredMailStore;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.ProxyProtocolReader;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.SessionTracking;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.session.DrainCoordinator;
import dev.mailgate.gateway.session.DrainReport;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TlsProvider;
import dev.mailgate.gateway.cluster.Cluster;
import dev.mailgate.gateway.cluster.MailStores;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import dev.mailgate.policy.PolicyEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;

/**
 * The composition root: builds the whole gateway from one configuration snapshot with
 * constructors, in dependency order (DESIGN.md "Explicit wiring"): data directory → transport →
 * server TLS (configured PEM certificates chosen by SNI, else the self-signed certificate kept in
 * the data directory) → local store and users → metrics and session registry → policy engine →
 * backends → router → listeners (each with the session {@link ProtocolHandlers} picks) → drain →
 * admin HTTP on loopback → configuration file watch.
 *
 * <p>Reload ({@link #reload()}: SIGHUP, {@code POST /reload}, the file watch) swaps the snapshot
 * and applies only what changed: listeners by name ({@link ListenerSet}), backends, routing and
 * lookups (caches kept when their settings are equal), policy engine (counters kept when its
 * settings are equal), local domains. Changes to {@code tls}, {@code admin} and the data
 * directories need a restart and say so in the log.
 *
 * <pre>{@code
 * try (MailgateApp app = MailgateApp.start(options, ProtocolHandlers.standard())) {
 *   app.drain().block();
 * }
 * }</pre>
 */
public final class MailgateApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MailgateApp.class);
  /** How long the sessions of a removed or rebound listener may go on after a reload. */
  public static final Duration RELOAD_GRACE = Duration.ofSeconds(30);

  private final AppOptions options;
  private final ConfigHolder holder;
  private final AtomicReference<MailgateConfig> config;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ProtocolHandlers handlers;
  private final AtomicReference<PolicyEngine> policies = new AtomicReference<>();
  private Transport transport;
  private ServerTls tls;
  private Backends backends;
  private RoutingState routing;
  private LocalDomainIndex localDomains;
  private ListenerSet listeners;
  private DrainCoordinator drain;
  private AppContext context;
  private DisposableServer admin;
  private GatewayMetrics metrics;
  private Cluster cluster;

  private MailgateApp(AppOptions options, ConfigHolder holder, MailgateConfig initial, ProtocolHandlers handlers) {
    this.options = options;
    this.holder = holder;
    this.config = new AtomicReference<>(initial);
    this.handlers = handlers;
  }

  /**
   * Loads the configuration (the file, else the embedded default) and starts everything.
   *
   * @throws StartupException with the configuration's located errors, or why a listener, the store
   *     or the admin endpoint could not start; nothing is left running then
   */
  public static MailgateApp start(AppOptions options, ProtocolHandlers handlers) {
    ConfigHolder holder = null;
    MailgateConfig cfg;
    if (options.configFile().isPresent()) {
      ConfigHolder.LoadOutcome o = ConfigHolder.open(options.configFile().get(), options.env());
      if (o.holder().isEmpty()) {
        throw new StartupException(o.result().formatErrors());
      }
      holder = o.holder().get();
      cfg = holder.current();
    } else {
      cfg = ConfigLoader.embeddedDefault(options.env());
    }
    MailgateApp app = new MailgateApp(options, holder, cfg, handlers);
    try {
      app.build();
      return app;
    } catch (RuntimeException | IOException e) {
      app.close();
      throw e instanceof StartupException s ? s : new StartupException(message(e), e);
    }
  }

  private void build() throws IOException {
    MailgateConfig cfg = config.get();
    Path data = cfg.server().dataDir();
    Files.createDirectories(data);
    LOG.info("mailgate starting: configuration {}, data directory {}",
        cfg.source().map(Path::toString).orElse("(embedded default)"), data.toAbsolutePath());

    transport = keep(Transport.create("mailgate", cfg.server().eventLoops()));
    tls = serverTls(cfg);
    if (tls != null) {
      resources.add(tls);
    }
    Path localDir = cfg.local().dataDir();
    metrics = GatewayMetrics.prometheus();
    MailStore store = new MeteredMailStore(keep(MailStores.open(cfg.store(), localDir)), metrics);
    LOG.info("mailbox store: {}", MailStores.describe(cfg.store(), localDir));
    UserStore users = keep(UserStore.open(localDir, Argon2id.Params.defaults(), 2));
    Scheduler io = Schedulers.newBoundedElastic(8, 10_000, "mailgate-io", 60, true);
    resources.add(io::dispose);

    SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), new SessionIds(),
        List.of(new SessionLog(), metrics.sessionListener()));
    cluster = keep(Cluster.start(cfg.cluster(), metrics.registry()));
    policies.set(cluster.policyEngine(cfg.policySettings()));
    backends = new Backends(new BackendConnector(transport, BackendConnector.Policy.defaults()), transport);
    backends.configure(cfg);
    routing = new RoutingState(io, backends::available);
    routing.apply(cfg);
    // every node listens for invalidations, whether or not its own admin endpoint is on
    RoutingCache routingCache = cluster.routingCache(routing);
    localDomains = new LocalDomainIndex(users, cfg.local().acceptedDomains(), Duration.ofSeconds(1));
    LocalAccounts accounts = new LocalAccounts(users, store, () -> config.get().local().quota(), Duration.ofSeconds(1));
    resources.add(accounts);
    context = new AppContext(config::get, tls, store, users, localDomains, policies::get,
        routing::router, backends, metrics, sessions, io, data, accounts);

    // every accepted session is registered, metered and logged through the same registry and meters
    ListenerRegistry registry = keep(new ListenerRegistry(transport, new SessionTracking(sessions, metrics)));
    listeners = new ListenerSet(registry, new ListenerMapping(options.portOffset()), tls, new ProxyProtocolReader(),
        PolicyGate.of(policies::get, metrics));
    listeners.startAll(cfg.listeners(), handlerFor(cfg));
    drain = new DrainCoordinator(sessions, listeners::stopAccepting, options.drainTimeout(), Schedulers.parallel());

    if (cfg.admin().enabled()) {
      var a = cfg.admin();
      int port = a.bind().port() == 0 ? 0 : a.bind().port() + options.portOffset();
      AdminSettings settings = new AdminSettings(a.bind().host(), port, a.token().orElse(null));
      AdminApi api = new AdminApi(metrics, sessions, backends::readiness,
          () -> Mono.fromCallable(this::reload).subscribeOn(Schedulers.boundedElastic()),
          drain::start, routingCache);
      admin = new AdminServer(settings, api).start();
      resources.add(admin::disposeNow);
    }
    if (holder != null && options.watchConfig()) {
      resources.add(ConfigWatcher.start(holder, Duration.ofMillis(250), Duration.ofMillis(500), this::applied));
    }
    logSummary();
  }

  private void logSummary() {
    List<RunningListener> running = listeners.running();
    LOG.info("transport: {}", running.isEmpty() ? "(no listeners)" : running.get(0).transport());
    LOG.info("tls provider: {}", tls == null ? "none (no certificate)" : TlsProvider.describe(tls.provider()));
    for (ListenerConfig l : config.get().listeners()) {
      running.stream().filter(r -> r.spec().name().equals(l.name())).findFirst().ifPresent(r ->
          LOG.info("listener {}: {} on {}, TLS {}, {} tier{}", l.name(), l.protocol().configName(), r.address(),
              l.tls().name().toLowerCase(java.util.Locale.ROOT),
              ListenerTier.of(config.get(), l).name().toLowerCase(java.util.Locale.ROOT),
              handlers.has(l.protocol(), ListenerTier.of(config.get(), l)) ? "" : " (no session wired: 'unavailable')"));
    }
    if (admin != null) {
      LOG.info("admin: http://{}:{}/ (metrics, health, ready, reload, sessions, drain)",
          config.get().admin().bind().host(), admin.port());
    }
  }

  private ServerTls serverTls(MailgateConfig cfg) throws IOException {
    if (cfg.tls().certificates().isEmpty() && !cfg.tls().selfSigned()) {
      return null;
    }
    return ServerTls.start(TlsSettings.of(cfg));
  }

  private Function<ListenerConfig, ProtocolHandler> handlerFor(MailgateConfig cfg) {
    return l -> handlers.create(l, ListenerTier.of(cfg, l), context);
  }

  /**
   * Reloads the configuration file and applies the changes; blocking. With the embedded default
   * there is no file: nothing changes.
   */
  public synchronized Reloader.Result reload() {
    if (holder == null) {
      LOG.info("reload: running the embedded default (no configuration file); nothing to reload");
      return Reloader.Result.ok();
    }
    return applied(holder.reload());
  }

  private synchronized Reloader.Result applied(ReloadResult r) {
    if (r instanceof ReloadResult.Rejected rejected) {
      return Reloader.Result.rejected(rejected.errors().stream().map(Object::toString).toList());
    }
    if (!(r instanceof ReloadResult.Applied a)) {
      LOG.info("reload: configuration unchanged");
      return Reloader.Result.ok();
    }
    MailgateConfig next = a.current();
    MailgateConfig prev = a.previous();
    List<String> problems = new ArrayList<>();
    config.set(next);
    if (!next.policySettings().equals(prev.policySettings())) {
      policies.set(cluster.policyEngine(next.policySettings()));
      LOG.info("reload: new policy settings (counters start afresh)");
    }
    try {
      backends.configure(next);
      routing.apply(next);
    } catch (IOException | RuntimeException e) {
      problems.add("backends or routing: " + message(e));
    }
    localDomains.accepted(next.local().acceptedDomains());
    problems.addAll(listeners.apply(a.listeners(), handlerFor(next), RELOAD_GRACE));
    if (!next.tls().equals(prev.tls()) || !next.admin().equals(prev.admin())
        || !next.server().equals(prev.server()) || !next.local().dataDir().equals(prev.local().dataDir())
        || !next.store().equals(prev.store()) || !next.cluster().equals(prev.cluster())) {
      LOG.warn("reload: changes to tls, admin, server, local.data_dir, store or cluster take effect after a restart"
          + " (certificate files themselves are reloaded when they change)");
    }
    return problems.isEmpty() ? Reloader.Result.ok() : new Reloader.Result(true, problems);
  }

  /** Stops accepting, lets sessions finish (up to the drain timeout); the same run every call. */
  public Mono<DrainReport> drain() {
    return drain.drain();
  }

  public MailgateConfig config() {
    return config.get();
  }

  public AppContext context() {
    return context;
  }

  public List<RunningListener> listeners() {
    return listeners.running();
  }

  /** The admin endpoint's port, or empty when disabled. */
  public Optional<Integer> adminPort() {
    return Optional.ofNullable(admin).map(DisposableServer::port);
  }

  public ServerTls tls() {
    return tls;
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Stops everything at once (after a drain, nothing is left to wait for), in reverse order. */
  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }

  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
