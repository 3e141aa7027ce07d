package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.config.model.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code store:} and {@code cluster:} (docs/scale-out.md). */
class SharedStateConfigTest {
  @TempDir Path dir;

  private LoadResult load(String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, env);
  }

  private List<String> errors(String yaml) throws Exception {
    LoadResult r = load(yaml, Map.of());
    assertThat(r.ok()).as("expected errors").isFalse();
    return r.errors().stream().map(ConfigError::format).toList();
  }

  @Test
  void withoutStoreOrClusterTheNodeIsStandaloneOnSqlite() throws Exception {
    MailgateConfig c = load("", Map.of()).config().orElseThrow();
    assertThat(c.store()).isEqualTo(StoreConfig.SQLITE);
    assertThat(c.cluster().redis()).isEmpty();
  }

  @Test
  void postgresStoreTakesItsPasswordFromTheEnvironmentAndNeverPrintsIt() throws Exception {
    MailgateConfig c = load("""
        store:
          type: postgres
          url: jdbc:postgresql://db.example:5432/mail
          user: mg
          password: ${PG_PW}
          connections: 4
        """, Map.of("PG_PW", "s3cret")).config().orElseThrow();
    assertThat(c.store()).isEqualTo(
        new StoreConfig.Postgres("jdbc:postgresql://db.example:5432/mail", "mg", "s3cret", 4));
    assertThat(c.store().toString()).doesNotContain("s3cret");
  }

  @Test
  void postgresStoreWithoutUrlOrWithAnotherSchemeIsRefused() throws Exception {
    assertThat(errors("store:\n  type: postgres\n"))
        .anySatisfy(e -> assertThat(e).contains("store.url").contains("needs url"));
    assertThat(errors("store:\n  type: postgres\n  url: postgres://db/mail\n"))
        .anySatisfy(e -> assertThat(e).contains("expected a jdbc:postgresql: URL"));
    assertThat(errors("store:\n  type: mysql\n"))
        .anySatisfy(e -> assertThat(e).contains("expected sqlite or postgres"));
  }

  @Test
  void clusterRedisHasSafeDefaults() throws Exception {
    MailgateConfig c = load("""
        server: { hostname: mx1.example }
        cluster:
          redis:
            uri: redis://10.0.0.5:6379/0
            password: ${REDIS_PW}
        """, Map.of("REDIS_PW", "pw")).config().orElseThrow();
    assertThat(c.cluster().nodeId()).isEqualTo("mx1.example");
    ClusterConfig.Redis r = c.cluster().redis().orElseThrow();
    assertThat(r).isEqualTo(new ClusterConfig.Redis("redis://10.0.0.5:6379/0", "pw",
        Duration.ofMillis(250), ClusterConfig.WhenUnavailable.LOCAL, "mailgate:"));
    assertThat(r.toString()).doesNotContain("pw,");
  }

  @Test
  void clusterRedisFailClosedAndNodeIdAreConfigurable() throws Exception {
    MailgateConfig c = load("""
        cluster:
          node_id: node-b
          redis: { uri: "redis://127.0.0.1:6380", when_unavailable: deny, timeout: 1s }
        """, Map.of()).config().orElseThrow();
    assertThat(c.cluster().nodeId()).isEqualTo("node-b");
    assertThat(c.cluster().redis().orElseThrow().whenUnavailable())
        .isEqualTo(ClusterConfig.WhenUnavailable.DENY);
    assertThat(c.cluster().redis().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aPasswordInTheRedisUriOrAnUnknownKeyIsRefused() throws Exception {
    assertThat(errors("cluster:\n  redis:\n    uri: redis://:pw@h:6379\n"))
        .anySatisfy(e -> assertThat(e).contains("not in the URI"));
    assertThat(errors("cluster:\n  redis:\n    uri: redis://h:6379\n    timout: 1s\n"))
        .anySatisfy(e -> assertThat(e).contains("timout"));
  }
}
