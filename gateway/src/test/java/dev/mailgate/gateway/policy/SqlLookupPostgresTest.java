package dev.mailgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.config.ConfigLoader;
import dev.mailgate.config.RoutingFactory;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.cli.MailgateCommand;
import dev.mailgate.mailbox.postgres.PostgresServer;
import dev.mailgate.mailbox.postgres.PostgresServerExtension;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteDecision;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import dev.mailgate.policy.route.Router;
import dev.mailgate.policy.route.lookup.CachedLookup;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code type: sql} lookup as an administrator configures it, against a real PostgreSQL
 * cluster (Debian's server, started under {@code target/} by {@link PostgresServer}) through the
 * PostgreSQL JDBC driver: YAML → {@link RoutingFactory} → router.
 */
@ExtendWith(PostgresServerExtension.class)
class SqlLookupPostgresTest {
  static String url;

  @TempDir Path dir;
  Scheduler io;
  Map<String, CachedLookup> lookups;

  @BeforeAll
  static void database(PostgresServer pg) throws SQLException {
    url = pg.newDatabase();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE router LOGIN PASSWORD 'router-pw'");
      st.execute("CREATE TABLE routes (address text PRIMARY KEY, target text NOT NULL)");
      st.execute("INSERT INTO routes VALUES ('alice@example.org', 'backend:imap2'),"
          + " ('example.org', 'backend:imap1'), ('intern.example', 'local')");
      st.execute("GRANT SELECT ON routes TO router");
    }
  }

  @BeforeEach
  void scheduler() {
    io = Schedulers.newBoundedElastic(2, 100, "sql-lookup-pg");
  }

  @AfterEach
  void stop() throws Exception {
    if (lookups != null) {
      for (CachedLookup l : lookups.values()) {
        l.close();
      }
    }
    io.dispose();
  }

  Router router(String lookupYaml) throws Exception {
    Path f = Files.writeString(dir.resolve("mailgate.yaml"), """
        listeners: [{ name: imap, protocol: imap, bind: "143" }]
        backends:
          - { name: imap1, host: 192.0.2.1, port: 143 }
          - { name: imap2, host: 192.0.2.2, port: 143 }
        lookups:
          db:
        %s
        routes:
          - { name: by-db, lookup: db, target: backend:imap1 }
        """.formatted(lookupYaml.indent(4)));
    var loaded = ConfigLoader.load(f, Map.of("PG_URL", url, "PG_PASSWORD", "router-pw"));
    assertThat(loaded.errors()).isEmpty();
    MailgateConfig config = loaded.config().orElseThrow();
    lookups = RoutingFactory.lookups(config, io, http -> null, Ticker.systemTicker(),
        Runnable::run);
    return RoutingFactory.router(config, lookups, b -> true);
  }

  static RouteDecision route(Router r, String user) {
    return r.route(RouteFacts.forUser(user, "imap", MailProtocol.IMAP,
        IpLiterals.parse("198.51.100.7").orElseThrow(), true), Optional.empty()).block();
  }

  @Test
  void usersRouteByTheirRowThenTheirDomainsRowWithTheConfiguredLogin() throws Exception {
    Router r = router("""
        type: sql
        url: ${PG_URL}
        user: router
        password: ${PG_PASSWORD}
        query: >-
          SELECT target FROM routes WHERE address IN (:user, :domain)
          ORDER BY length(address) DESC LIMIT 1
        pool_size: 2
        timeout: 2s
        """);
    assertThat(route(r, "Alice@Example.org").candidates()).containsExactly("imap2");
    assertThat(route(r, "bob@example.org").candidates()).containsExactly("imap1");
    assertThat(route(r, "carol@intern.example").target()).contains(new RouteTarget.Local());
    RouteDecision nobody = route(r, "dave@elsewhere.example");
    assertThat(nobody.rule()).contains("by-db");
    assertThat(nobody.candidates()).containsExactly("imap1");
  }

  @Test
  void aKeptConnectionTheServerDroppedIsReplacedWithoutFailingALogin() throws Exception {
    Router r = router("""
        type: sql
        url: ${PG_URL}
        user: router
        password: ${PG_PASSWORD}
        query: SELECT target FROM routes WHERE address = :user
        cache: { positive_ttl: 0s }
        """);
    assertThat(route(r, "alice@example.org").candidates()).containsExactly("imap2");
    // what a server restart or an idle timeout does to the connection kept between queries
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'router'");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> routerSessions() == 0);
    RouteDecision after = route(r, "alice@example.org");
    assertThat(after.outcome()).as(after.explain()).isEqualTo(RouteDecision.Outcome.ROUTED);
    assertThat(after.candidates()).containsExactly("imap2");
  }

  static int routerSessions() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'router'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aLoginTheDatabaseRefusesIsAnErrorNotARouteToTheDefault() throws Exception {
    Router r = router("""
        type: sql
        url: ${PG_URL}
        user: nosuchrole
        query: SELECT target FROM routes WHERE address = :user
        """);
    // trust authentication lets any existing role in: an unknown role is refused by the server
    RouteDecision d = route(r, "alice@example.org");
    assertThat(d.outcome()).isEqualTo(RouteDecision.Outcome.LOOKUP_FAILED);
    assertThat(d.candidates()).isEmpty();
    assertThat(d.explain()).contains("lookup 'db' failed").contains("nosuchrole");
  }

  @Test
  void aQuerySlowerThanTheTimeoutIsCancelledByTheServer() throws Exception {
    Router r = router("""
        type: sql
        url: ${PG_URL}
        user: router
        password: ${PG_PASSWORD}
        query: SELECT target FROM routes, pg_sleep(30) WHERE address = :user
        timeout: 1s
        """);
    assertThat(route(r, "alice@example.org").outcome())
        .isEqualTo(RouteDecision.Outcome.LOOKUP_FAILED);
    // the driver cancelled the statement on the server: no pg_sleep(30) is left running there
    // (well before pg_sleep's own 30 s)
    await().atMost(Duration.ofSeconds(20)).until(() -> runningSleeps() == 0);
  }

  static int runningSleeps() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void routeExplainAsksTheDatabaseAndSaysWhichRowDecided() throws Exception {
    Path f = Files.writeString(dir.resolve("explain.yaml"), """
        listeners: [{ name: imap, protocol: imap, bind: "143" }]
        backends:
          - { name: imap1, host: 192.0.2.1, port: 143 }
          - { name: imap2, host: 192.0.2.2, port: 143 }
        lookups:
          db: { type: sql, url: "%s", user: router, password: router-pw,
                query: "SELECT target FROM routes WHERE address = :user" }
        routes:
          - { name: by-db, lookup: db, target: backend:imap1 }
        """.formatted(url));
    CommandLine cl = MailgateCommand.commandLine(InputStream.nullInputStream());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("route", "explain", "alice@example.org", "--config", f.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("lookup 'db' found backend:imap2");
  }
}
