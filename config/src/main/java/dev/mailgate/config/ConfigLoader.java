package dev.mailgate.config;

import dev.mailgate.config.model.AdminConfig;
import dev.mailgate.config.model.AuthMode;
import dev.mailgate.config.model.AuthenticationConfig;
import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.HostPort;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.LocalConfig;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.config.model.PoolConfig;
import dev.mailgate.config.model.RelayConfig;
import dev.mailgate.config.model.RouteConfig;
import dev.mailgate.config.model.ServerConfig;
import dev.mailgate.config.yaml.Location;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.config.yaml.YamlTreeReader;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteMatch;
import dev.mailgate.policy.route.RouteRule;
import dev.mailgate.policy.route.RouteTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads a configuration: read (at most {@link #MAX_FILE_SIZE}, UTF-8) → YAML tree with locations →
 * {@code ${VAR}} interpolation → bind and validate, collecting every error → freeze. Blocking:
 * call it off the event loop.
 *
 * <p>Usage: {@code LoadResult r = ConfigLoader.load(path, System.getenv());} then either
 * {@code r.config().get()} or print {@code r.formatErrors()}.
 */
public final class ConfigLoader {
  public static final long MAX_FILE_SIZE = 4L * 1024 * 1024;
  static final String DEFAULT_ADMIN_BIND = "127.0.0.1:8025";
  private static final String EMBEDDED = "embedded-default.yaml";

  private ConfigLoader() {}

  public static LoadResult load(Path file, Map<String, String> env) {
    String name = file.toString();
    Location top = new Location(name, 1, 1);
    try {
      if (Files.size(file) > MAX_FILE_SIZE) {
        return new LoadResult(Optional.empty(), List.of(new ConfigError(top,
            "file larger than " + MAX_FILE_SIZE + " bytes")));
      }
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
      Path base = file.toAbsolutePath().getParent();
      return parse(name, text, base, env);
    } catch (CharacterCodingException e) {
      return new LoadResult(Optional.empty(), List.of(new ConfigError(top, "not UTF-8 text")));
    } catch (IOException e) {
      return new LoadResult(Optional.empty(), List.of(new ConfigError(top,
          "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage())));
    }
  }

  /**
   * The embedded default (PRODUCT.md, "The embedded default"): the local tier on the +3000 ports,
   * a self-signed certificate, admin on loopback. The YAML is in {@code embedded-default.yaml}
   * next to this class's package in the jar.
   */
  public static MailgateConfig embeddedDefault(Map<String, String> env) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      LoadResult r = parse("(embedded default)", text, Path.of("").toAbsolutePath(), env);
      return r.config().orElseThrow(() -> new IllegalStateException(r.formatErrors()));
    } catch (IOException e) {
      throw new IllegalStateException("embedded default configuration missing", e);
    }
  }

  /** Loads YAML text; relative paths in it resolve against {@code baseDir}. */
  public static LoadResult parse(String fileName, String text, Path baseDir,
      Map<String, String> env) {
    Errors errors = new Errors();
    Optional<YNode> tree = YamlTreeReader.read(fileName, text, errors.list());
    if (tree.isEmpty()) {
      return new LoadResult(Optional.empty(), errors.sorted());
    }
    YNode root = new Interpolator(env, errors).apply(tree.get());
    MailgateConfig config = bind(root, new BindContext(baseDir, env), errors,
        Optional.of(Path.of(fileName)));
    return errors.isEmpty() ? new LoadResult(Optional.of(config), List.of())
        : new LoadResult(Optional.empty(), errors.sorted());
  }

  private static MailgateConfig bind(YNode rootNode, BindContext ctx, Errors errors,
      Optional<Path> source) {
    Section root = Section.of(rootNode, errors, "");
    ServerConfig server = server(root.section("server"), ctx);
    AdminConfig admin = admin(root.section("admin"));
    List<ListenerConfig> listeners = ListenerBinder.bind(root);
    var tls = TlsBinder.bind(root.section("tls"), ctx);
    List<BackendConfig> backends = BackendBinder.backends(root, ctx);
    Set<String> backendNames = backends.stream().map(BackendConfig::name)
        .collect(Collectors.toSet());
    List<PoolConfig> pools = BackendBinder.pools(root, backendNames);
    var names = new RoutingBinder.Names(backendNames,
        pools.stream().map(PoolConfig::name).collect(Collectors.toSet()),
        listeners.stream().map(ListenerConfig::name).collect(Collectors.toSet()));
    Map<String, LookupConfig> lookups = RoutingBinder.lookups(root, ctx, names);
    List<RouteConfig> routes = root.has("routes")
        ? RoutingBinder.routes(root, names, lookups.keySet())
        : List.of(new RouteConfig(RouteRule.to("default-local", RouteMatch.ANY,
            new RouteTarget.Local()), Optional.empty()));
    AuthenticationConfig auth = authentication(root.section("authentication"), lookups);
    var policies = PolicyBinder.bind(root.section("policies"));
    LocalConfig local = local(root.section("local"), ctx, server);
    Section relay = root.section("relay");
    RelayConfig relayConfig = new RelayConfig(relay.strings("accepted_domains", List.of()));
    relay.finish();
    var store = SharedStateBinder.store(root.section("store"));
    var cluster = SharedStateBinder.cluster(root.section("cluster"), server.hostname());
    root.finish();
    return new MailgateConfig(source, server, admin, listeners, tls, backends, pools, lookups,
        routes, auth, policies, local, relayConfig, store, cluster);
  }

  private static ServerConfig server(Section s, BindContext ctx) {
    String hostname = s.string("hostname", "localhost");
    String envData = ctx.env().get("MAILGATE_DATA");
    Path data = s.optString("data_dir").map(ctx::path)
        .orElse(envData != null && !envData.isEmpty() ? Path.of(envData) : Path.of("./data"));
    int ioThreads = s.integer("io_threads", ServerConfig.IO_THREADS_PER_CORE, 0, 256);
    s.finish();
    return new ServerConfig(hostname, data.normalize(), ioThreads);
  }

  private static AdminConfig admin(Section s) {
    boolean enabled = s.bool("enabled", true);
    HostPort bind = s.hostPort("bind", "127.0.0.1", HostPort.parse(DEFAULT_ADMIN_BIND, null));
    Optional<String> token = s.optString("token");
    if (enabled && token.isEmpty() && !isLoopback(bind.host())) {
      s.error("bind", "the admin endpoint binds " + bind + ", beyond loopback, without a token;"
          + " set admin.token (a bearer token) or bind 127.0.0.1");
    }
    s.finish();
    return new AdminConfig(enabled, bind, token);
  }

  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    return IpLiterals.parse(host).map(a -> Cidr.anyContains(Cidr.LOOPBACK, a)).orElse(false);
  }

  private static AuthenticationConfig authentication(Section s, Map<String, LookupConfig> lookups) {
    AuthMode mode = s.enumValue("mode", AuthMode.class, AuthMode.PASS_THROUGH);
    Optional<String> verifyLookup = s.optString("verify_lookup");
    verifyLookup.ifPresent(l -> {
      LookupConfig lc = lookups.get(l);
      if (lc == null) {
        s.error("verify_lookup", "undefined lookup '" + l + "'"
            + Suggest.hint(l, lookups.keySet()));
      } else if (!(lc instanceof LookupConfig.Http)) {
        s.error("verify_lookup", "lookup '" + l + "' cannot verify passwords: only http lookups"
            + " can");
      }
    });
    var master = BackendBinder.masterUser(s, "master_user");
    s.finish();
    return new AuthenticationConfig(mode, verifyLookup, master);
  }

  private static LocalConfig local(Section s, BindContext ctx, ServerConfig server) {
    Path data = s.optString("data_dir").map(ctx::path)
        .orElse(server.dataDir().resolve("local"));
    long quota = s.size("quota", 1L << 30);
    Duration retention = s.duration("retention", Duration.ZERO);
    List<String> domains = s.strings("accepted_domains", List.of());
    Optional<String> postmaster = s.typed("postmaster", ConfigLoader::mailbox);
    s.finish();
    return new LocalConfig(data, quota, retention, domains, postmaster);
  }

  /** {@code local@domain}: one {@code @} with text on both sides, no spaces or controls. */
  static String mailbox(String s) {
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1 || s.indexOf('@') != at
        || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == ':' || c == '<' || c == '>')) {
      throw new IllegalArgumentException("expected a local user's address (user@domain), got '"
          + s + "'");
    }
    return s;
  }
}
