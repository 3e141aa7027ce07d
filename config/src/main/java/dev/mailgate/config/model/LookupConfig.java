package dev.mailgate.config.model;

import dev.mailgate.policy.route.RouteTarget;
import dev.mailgate.policy.route.lookup.CachedLookup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A named per-user map used by routing rules; every kind is cached with {@code cache}. */
public sealed interface LookupConfig {
  String name();

  CachedLookup.Settings cache();

  /** Entries written in the configuration. */
  record Static(String name, Map<String, RouteTarget> entries, CachedLookup.Settings cache)
      implements LookupConfig {
    public Static {
      entries = Map.copyOf(entries);
    }
  }

  /** A CSV or TSV file, checked for changes every {@code checkInterval}. */
  record File(String name, Path path, Duration checkInterval, CachedLookup.Settings cache)
      implements LookupConfig {}

  /**
   * An nginx {@code auth_http} service. Servers it returns are connected to with the TLS, convey
   * and timeout settings of {@code templateBackend} (plain defaults when absent).
   */
  record Http(String name, String url, Duration timeout, Optional<String> templateBackend,
      CachedLookup.Settings cache) implements LookupConfig {}

  /**
   * An SQL query over JDBC. {@code query} names its parameters {@code :user}, {@code :domain},
   * {@code :local}, {@code :protocol}, {@code :listener} (see {@code SqlLookup}); at most
   * {@code poolSize} connections stay open; each query is given {@code timeout}.
   */
  record Sql(String name, String url, Optional<String> user, Optional<String> password,
      String query, int poolSize, Duration timeout, CachedLookup.Settings cache)
      implements LookupConfig {
    /** Never shows the password (records print every field). */
    @Override
    public String toString() {
      return "Sql[name=" + name + ", url=" + url + ", user=" + user.orElse("")
          + ", password=" + (password.isPresent() ? "***" : "") + ", query=" + query
          + ", poolSize=" + poolSize + ", timeout=" + timeout + ", cache=" + cache + "]";
    }
  }
}
