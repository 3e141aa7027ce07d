package dev.mailgate.config;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.config.model.StoreConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Binds {@code store:} (which mailbox store) and {@code cluster:} (what nodes share). */
final class SharedStateBinder {
  private SharedStateBinder() {}

  static StoreConfig store(Section s) {
    String type = s.string("type", "sqlite").toLowerCase(Locale.ROOT);
    StoreConfig result = StoreConfig.SQLITE;
    switch (type) {
      case "sqlite" -> { }
      case "postgres", "postgresql" -> {
        Optional<String> url = s.optString("url");
        if (url.isEmpty()) {
          s.error("url", "a postgres store needs url (jdbc:postgresql://host:port/database)");
        } else if (!url.get().startsWith("jdbc:postgresql:")) {
          s.error("url", "expected a jdbc:postgresql: URL, got '" + url.get() + "'");
        }
        String user = s.string("user", "mailgate");
        String password = s.string("password", "");
        int connections = s.integer("connections", 8, 1, 256);
        result = new StoreConfig.Postgres(url.orElse(""), user, password, connections);
      }
      default -> s.error("type", "expected sqlite or postgres, got '" + type + "'");
    }
    s.finish();
    return result;
  }

  static ClusterConfig cluster(Section s, String hostname) {
    String nodeId = s.string("node_id", hostname);
    Optional<ClusterConfig.Redis> redis = Optional.empty();
    if (s.has("redis")) {
      Section r = s.section("redis");
      Optional<String> uri = r.optString("uri");
      if (uri.isEmpty()) {
        r.error("uri", "cluster.redis needs uri (redis://host:port/0)");
      } else if (!uri.get().startsWith("redis://") && !uri.get().startsWith("rediss://")) {
        r.error("uri", "expected redis://host:port or rediss://host:port, got '" + uri.get() + "'");
      } else if (uri.get().contains("@")) {
        r.error("uri", "put the password in cluster.redis.password (a ${VAR}), not in the URI");
      }
      String password = r.string("password", "");
      Duration timeout = r.duration("timeout", Duration.ofMillis(250));
      var when = r.enumValue("when_unavailable", ClusterConfig.WhenUnavailable.class,
          ClusterConfig.WhenUnavailable.LOCAL);
      String prefix = r.string("key_prefix", "mailgate:");
      r.finish();
      redis = Optional.of(new ClusterConfig.Redis(uri.orElse(""), password, timeout, when, prefix));
    }
    s.finish();
    return new ClusterConfig(nodeId, redis);
  }
}
