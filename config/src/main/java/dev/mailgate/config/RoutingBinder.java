package dev.mailgate.config;

import dev.mailgate.config.model.AuthMode;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.RouteConfig;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.policy.route.Glob;
import dev.mailgate.policy.route.RouteMatch;
import dev.mailgate.policy.route.RouteRule;
import dev.mailgate.policy.route.RouteTarget;
import dev.mailgate.policy.route.lookup.CachedLookup;
import dev.mailgate.policy.route.lookup.FileLookup;
import dev.mailgate.policy.route.lookup.SqlLookup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Binds {@code lookups:} and {@code routes:}, checking every name a rule refers to. */
final class RoutingBinder {
  /** The names routes may refer to. */
  record Names(Set<String> backends, Set<String> pools, Set<String> listeners) {}

  private RoutingBinder() {}

  static Map<String, LookupConfig> lookups(Section root, BindContext ctx, Names names) {
    Map<String, LookupConfig> out = new LinkedHashMap<>();
    Section all = root.section("lookups");
    all.acceptAll();
    for (YNode.Entry e : all.entries().values()) {
      Section s = Section.of(e.value(), root.errors(), all.qualified(e.key()));
      String type = s.string("type", null);
      CachedLookup.Settings cache = cache(s.section("cache"));
      LookupConfig l = null;
      if (type == null) {
        s.error("type", "a lookup needs a type: static, file, http or sql");
      } else {
        switch (type) {
          case "static" -> {
            Section entries = s.section("entries");
            entries.acceptAll();
            Map<String, RouteTarget> m = new LinkedHashMap<>();
            for (YNode.Entry en : entries.entries().values()) {
              target(entries, en.key(), names).ifPresent(t -> m.put(en.key(), t));
            }
            entries.finish();
            l = new LookupConfig.Static(e.key(), m, cache);
          }
          case "file" -> {
            Optional<Path> path = ctx.readableFile(s, "path");
            if (path.isEmpty() && !s.has("path")) {
              s.error("path", "a file lookup needs a path");
            }
            path.ifPresent(p -> checkTable(s, p, names));
            Duration check = s.duration("check_interval", Duration.ofSeconds(5));
            l = path.map(p -> new LookupConfig.File(e.key(), p, check, cache)).orElse(null);
          }
          case "http" -> {
            String url = s.optString("url").orElse(null);
            if (url == null) {
              s.error("url", "an http lookup needs a url");
            } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
              s.error("url", "expected an http:// or https:// URL, got '" + url + "'");
            } else {
              try {
                URI.create(url);
              } catch (IllegalArgumentException ex) {
                s.error("url", "not a URL: " + ex.getMessage());
              }
            }
            Duration timeout = s.duration("timeout", Duration.ofSeconds(5));
            Optional<String> template = s.optString("template_backend");
            template.filter(t -> !names.backends().contains(t)).ifPresent(t -> s.error(
                "template_backend", "undefined backend '" + t + "'"
                    + Suggest.hint(t, names.backends())));
            l = url == null ? null
                : new LookupConfig.Http(e.key(), url, timeout, template, cache);
          }
          case "sql" -> l = sql(e.key(), s, cache);
          default -> s.error("type", "unknown lookup type '" + type + "', expected static, file,"
              + " http or sql" + Suggest.hint(type, List.of("static", "file", "http", "sql")));
        }
      }
      // Ask for every kind's keys so that a key of another kind reads as unknown, with a hint.
      if (!"static".equals(type)) {
        markUnknownIfPresent(s, "entries", type);
      }
      s.finish();
      if (l != null) {
        out.put(e.key(), l);
      }
    }
    return out;
  }

  private static LookupConfig.Sql sql(String name, Section s, CachedLookup.Settings cache) {
    String url = s.optString("url").orElse(null);
    if (url == null) {
      s.error("url", "an sql lookup needs a JDBC url (jdbc:postgresql://HOST/DB, jdbc:sqlite:FILE)");
    } else if (!url.startsWith("jdbc:")) {
      s.error("url", "expected a JDBC url starting with jdbc:");
    } else if (!JdbcDrivers.accepts(url)) {
      // only the scheme is shown: a JDBC url may carry a password
      s.error("url", "no JDBC driver here accepts " + JdbcDrivers.scheme(url) + " urls"
          + " (drivers present: " + String.join(", ", JdbcDrivers.drivers()).replaceFirst("^$", "none")
          + ")");
    }
    Optional<String> user = s.optString("user");
    Optional<String> password = s.optString("password");
    String query = s.optString("query").orElse(null);
    if (query == null) {
      s.error("query", "an sql lookup needs a query returning the target in its first column");
    } else if (SqlLookup.placeholders(query).stream()
        .noneMatch(p -> p.equals("user") || p.equals("domain") || p.equals("local"))) {
      s.error("query", "the query must use :user, :domain or :local (they are bound as"
          + " parameters), else every user gets the same answer");
    }
    int poolSize = s.integer("pool_size", 4, 1, 64);
    Duration timeout = s.duration("timeout", Duration.ofSeconds(5));
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      s.error("timeout", "an sql lookup's timeout is at least 1s (JDBC counts seconds)");
      timeout = Duration.ofSeconds(1);
    }
    return url == null || query == null ? null
        : new LookupConfig.Sql(name, url, user, password, query, poolSize, timeout, cache);
  }

  private static void markUnknownIfPresent(Section s, String key, String type) {
    if (s.entries().containsKey(key)) {
      s.error(key, "'" + key + "' belongs to static lookups, not " + type);
      s.has(key);
    }
  }

  private static void checkTable(Section s, Path p, Names names) {
    try {
      FileLookup.Table t = FileLookup.parse(p);
      for (String problem : t.problems()) {
        s.error("path", p + " " + problem);
      }
      t.entries().forEach((k, target) -> undefined(target, names).ifPresent(
          msg -> s.error("path", p + ": entry '" + k + "': " + msg)));
    } catch (IOException e) {
      s.error("path", "cannot read " + p + ": " + e.getMessage());
    }
  }

  private static CachedLookup.Settings cache(Section s) {
    CachedLookup.Settings d = CachedLookup.Settings.DEFAULT;
    CachedLookup.Settings out = new CachedLookup.Settings(
        s.duration("positive_ttl", d.positiveTtl()),
        s.duration("negative_ttl", d.negativeTtl()),
        s.integer("max_entries", (int) d.maxEntries(), 0, 100_000_000));
    s.finish();
    return out;
  }

  /** Parses a target-valued key and checks the backend or pool it names exists. */
  private static Optional<RouteTarget> target(Section s, String key, Names names) {
    Optional<RouteTarget> t = s.typed(key, RouteTarget::parse);
    t.flatMap(target -> undefined(target, names)).ifPresent(msg -> s.error(key, msg));
    return t;
  }

  private static Optional<String> undefined(RouteTarget t, Names names) {
    if (t instanceof RouteTarget.Backend b && !names.backends().contains(b.name())) {
      return Optional.of("undefined backend '" + b.name() + "'"
          + Suggest.hint(b.name(), names.backends()));
    }
    if (t instanceof RouteTarget.Pool p && !names.pools().contains(p.name())) {
      return Optional.of("undefined pool '" + p.name() + "'" + Suggest.hint(p.name(),
          names.pools()));
    }
    return Optional.empty();
  }

  static List<RouteConfig> routes(Section root, Names names, Set<String> lookupNames) {
    List<RouteConfig> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int index = 0;
    for (YNode item : root.list("routes")) {
      index++;
      Section s = Section.of(item, root.errors(), "routes[" + index + "]");
      String name = s.optString("name").orElse("route-" + index);
      if (!seen.add(name)) {
        s.error("name", "duplicate route name '" + name + "'");
      }
      RouteMatch match = match(s.section("match"), names);
      Optional<String> lookup = s.optString("lookup");
      lookup.filter(l -> !lookupNames.contains(l)).ifPresent(l -> s.error("lookup",
          "undefined lookup '" + l + "'" + Suggest.hint(l, lookupNames)));
      Optional<RouteTarget> target = target(s, "target", names);
      if (lookup.isEmpty() && target.isEmpty() && !s.has("target")) {
        s.error("target", "a route needs a target (backend:NAME, pool:NAME or local) or a lookup");
      }
      Optional<AuthMode> auth = s.has("authentication")
          ? Optional.ofNullable(s.enumValue("authentication", AuthMode.class, null))
          : Optional.empty();
      s.finish();
      if (lookup.isPresent() || target.isPresent()) {
        out.add(new RouteConfig(new RouteRule(name, match, lookup, target), auth));
      }
    }
    return out;
  }

  private static RouteMatch match(Section s, Names names) {
    List<Glob> users = s.strings("users", List.of()).stream().map(Glob::new).toList();
    List<Glob> domains = s.strings("domains", List.of()).stream().map(Glob::new).toList();
    Set<String> listeners = new HashSet<>(s.strings("listeners", List.of()));
    for (String l : listeners) {
      if (!names.listeners().contains(l)) {
        s.error("listeners", "undefined listener '" + l + "'" + Suggest.hint(l, names.listeners()));
      }
    }
    Set<MailProtocol> protocols = EnumSet.noneOf(MailProtocol.class);
    for (String p : s.strings("protocols", List.of())) {
      MailProtocol mp = MailProtocol.fromConfigName(p);
      if (mp == null) {
        s.error("protocols", "unknown protocol '" + p + "', expected smtp, submission, pop3 or"
            + " imap");
      } else {
        protocols.add(mp);
      }
    }
    List<Cidr> networks = s.networks("networks", List.of());
    s.finish();
    return new RouteMatch(users, domains, listeners, protocols, networks);
  }
}
