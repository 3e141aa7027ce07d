package dev.mailgate.policy.route.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The SQL lookup against a real SQLite database in a temporary file, through the JDBC driver. */
class SqlLookupTest {
  static final String QUERY = "SELECT target FROM routes WHERE address = :user OR address = :domain"
      + " ORDER BY length(address) DESC LIMIT 1";

  @TempDir Path dir;
  String url;
  Scheduler io;
  final AtomicInteger opened = new AtomicInteger();

  @BeforeEach
  void database() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("routes.db");
    io = Schedulers.newBoundedElastic(2, 100, "sql-lookup-test");
    sql("CREATE TABLE routes (address TEXT PRIMARY KEY, target TEXT)",
        "INSERT INTO routes VALUES ('alice@example.org', 'backend:imap2')",
        "INSERT INTO routes VALUES ('example.org', 'pool:main')",
        "INSERT INTO routes VALUES ('local.example', 'local')",
        "INSERT INTO routes VALUES ('broken@example.org', 'nonsense')");
  }

  @AfterEach
  void stop() {
    io.dispose();
  }

  void sql(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.executeUpdate(s);
      }
    }
  }

  SqlLookup lookup(String query) {
    return new SqlLookup("sql", () -> {
      opened.incrementAndGet();
      return DriverManager.getConnection(url);
    }, query, io, 2, Duration.ofSeconds(5));
  }

  static LookupQuery user(String name) {
    return LookupQuery.of(RouteFacts.forUser(name, "imap", MailProtocol.IMAP,
        IpLiterals.parse("192.0.2.1").orElseThrow(), true));
  }

  static RouteTarget target(LookupResult r) {
    return ((LookupResult.Found) r).target();
  }

  @Test
  void aUserRowWinsOverItsDomainRowAndOtherUsersGetTheDomainRow() {
    try (SqlLookup l = lookup(QUERY)) {
      assertThat(target(l.find(user("Alice@Example.org")).block()))
          .isEqualTo(new RouteTarget.Backend("imap2"));
      assertThat(target(l.find(user("bob@example.org")).block()))
          .isEqualTo(new RouteTarget.Pool("main"));
      assertThat(target(l.find(user("carol@local.example")).block()))
          .isEqualTo(new RouteTarget.Local());
      assertThat(l.find(user("dave@elsewhere.example")).block()).isEqualTo(LookupResult.NOT_FOUND);
    }
  }

  @Test
  void placeholdersAreBoundParametersSoQuotesInANameFindNothing() {
    try (SqlLookup l = lookup(QUERY)) {
      assertThat(l.sql()).doesNotContain(":user").contains("address = ? OR address = ?");
      assertThat(l.find(user("x' OR '1'='1")).block()).isEqualTo(LookupResult.NOT_FOUND);
    }
  }

  @Test
  void theLocalPartAndProtocolCanBeQueried() throws Exception {
    sql("CREATE TABLE by_protocol (local TEXT, protocol TEXT, target TEXT)",
        "INSERT INTO by_protocol VALUES ('alice', 'imap', 'backend:imap9')");
    try (SqlLookup l = lookup(
        "SELECT target FROM by_protocol WHERE local = :local AND protocol = :protocol")) {
      assertThat(target(l.find(user("alice@example.org")).block()))
          .isEqualTo(new RouteTarget.Backend("imap9"));
    }
  }

  @Test
  void databaseErrorsAndUnreadableTargetsAreErrorsNotMisses() {
    try (SqlLookup l = lookup("SELECT target FROM no_such_table WHERE address = :user")) {
      assertThatThrownBy(() -> l.find(user("alice@example.org")).block())
          .hasCauseInstanceOf(SQLException.class);
    }
    try (SqlLookup l = lookup(QUERY)) {
      assertThatThrownBy(() -> l.find(user("broken@example.org")).block())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void connectionsAreReusedBetweenQueries() {
    try (SqlLookup l = lookup(QUERY)) {
      for (int i = 0; i < 5; i++) {
        l.find(user("alice@example.org")).block();
      }
    }
    assertThat(opened.get()).isEqualTo(1);
  }

  @Test
  void cachedAnswersAreServedWithoutTheDatabaseUntilTheirTtl() throws Exception {
    AtomicLong now = new AtomicLong();
    // The lookup answers on the calling thread here: with a pool thread, Caffeine may set the entry's
    // expiry (from the fake clock) only after block() returned and the clock was moved on.
    try (SqlLookup l = new SqlLookup("sql", () -> DriverManager.getConnection(url), QUERY,
        Schedulers.immediate(), 2, Duration.ofSeconds(5))) {
      CachedLookup cached = new CachedLookup(l,
          new CachedLookup.Settings(Duration.ofMinutes(5), Duration.ofMinutes(1), 1000),
          (Ticker) now::get, Runnable::run);
      assertThat(target(cached.find(user("alice@example.org")).block()))
          .isEqualTo(new RouteTarget.Backend("imap2"));
      sql("UPDATE routes SET target = 'backend:imap3' WHERE address = 'alice@example.org'");
      assertThat(target(cached.find(user("alice@example.org")).block()))
          .as("cached").isEqualTo(new RouteTarget.Backend("imap2"));
      now.addAndGet(Duration.ofMinutes(6).toNanos());
      assertThat(target(cached.find(user("alice@example.org")).block()))
          .isEqualTo(new RouteTarget.Backend("imap3"));
    }
  }
}
