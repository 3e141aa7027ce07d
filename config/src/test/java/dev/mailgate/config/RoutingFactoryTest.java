package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteDecision;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import dev.mailgate.policy.route.lookup.AuthContext;
import dev.mailgate.policy.route.lookup.AuthHttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class RoutingFactoryTest {
  @TempDir Path dir;

  @Test
  void aConfiguredRouterUsesFileStaticAndAuthHttpLookupsInOrder() throws Exception {
    Files.writeString(dir.resolve("moved.csv"), "alice@example.org,backend:new\n");
    Path f = Files.writeString(dir.resolve("m.yaml"), """
        listeners: [{ name: imap, protocol: imap, bind: "143" }]
        backends:
          - { name: old, host: 10.0.0.1, port: 143 }
          - { name: new, host: 10.0.0.2, port: 143 }
        pools: [{ name: all, members: [old, new] }]
        lookups:
          moved: { type: file, path: moved.csv }
          vip: { type: static, entries: { example.net: backend:old } }
          nginx: { type: http, url: "http://127.0.0.1:1/auth" }
        routes:
          - { name: migrated, lookup: moved }
          - { name: vip, lookup: vip }
          - { name: partners, match: { domains: [partner.example] }, lookup: nginx }
          - { name: everyone, target: pool:all }
        """);
    var config = ConfigLoader.load(f, Map.of()).config().orElseThrow();
    var lookups = RoutingFactory.lookups(config, Schedulers.immediate(),
        http -> req -> Mono.just(AuthHttpResponse.fromHeaders(Map.of("Auth-Status", "OK",
            "Auth-Server", "192.0.2.50", "Auth-Port", "1143")::get)),
        Ticker.systemTicker(), Runnable::run);
    var router = RoutingFactory.router(config, lookups, b -> true);

    assertThat(route(router, "alice@example.org").candidates()).containsExactly("new");
    assertThat(route(router, "carol@example.net").candidates()).containsExactly("old");
    assertThat(route(router, "dave@partner.example").target())
        .contains(new RouteTarget.Server("192.0.2.50", 1143));
    RouteDecision rest = route(router, "bob@example.org");
    assertThat(rest.rule()).contains("everyone");
    assertThat(rest.candidates()).containsExactlyInAnyOrder("old", "new");
  }

  @Test
  void aConfiguredSqlLookupRoutesFromItsDatabase() throws Exception {
    Path db = dir.resolve("routes.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE routes (address TEXT PRIMARY KEY, target TEXT)");
      st.executeUpdate("INSERT INTO routes VALUES ('alice@example.org', 'backend:new')");
      st.executeUpdate("INSERT INTO routes VALUES ('example.net', 'backend:old')");
    }
    Path f = Files.writeString(dir.resolve("m.yaml"), """
        listeners: [{ name: imap, protocol: imap, bind: "143" }]
        backends:
          - { name: old, host: 10.0.0.1, port: 143 }
          - { name: new, host: 10.0.0.2, port: 143 }
        lookups:
          db:
            type: sql
            url: jdbc:sqlite:${DB}
            query: >-
              SELECT target FROM routes WHERE address = :user OR address = :domain
              ORDER BY length(address) DESC LIMIT 1
        routes:
          - { name: by-db, lookup: db, target: backend:old }
        """);
    var config = ConfigLoader.load(f, Map.of("DB", db.toString())).config().orElseThrow();
    Scheduler io = Schedulers.newBoundedElastic(2, 100, "sql-lookup-test");
    var lookups = RoutingFactory.lookups(config, io, http -> null, Ticker.systemTicker(),
        Runnable::run);
    try {
      var router = RoutingFactory.router(config, lookups, b -> true);
      assertThat(route(router, "alice@example.org").candidates()).containsExactly("new");
      assertThat(route(router, "bob@example.net").candidates()).containsExactly("old");
      RouteDecision miss = route(router, "carol@example.com");
      assertThat(miss.rule()).contains("by-db");
      assertThat(miss.candidates()).containsExactly("old");
    } finally {
      for (var l : lookups.values()) {
        l.close();
      }
      io.dispose();
    }
  }

  private static RouteDecision route(dev.mailgate.policy.route.Router r, String user) {
    return r.route(RouteFacts.forUser(user, "imap", MailProtocol.IMAP,
        IpLiterals.parse("192.0.2.1").orElseThrow(), true),
        Optional.of(AuthContext.plain("pw", 1))).block();
  }
}
