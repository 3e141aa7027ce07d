package dev.mailgate.policy.route.lookup;

import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A per-user map in an SQL database, read over JDBC: the first column of the first row the query
 * returns is the route target ({@code backend:imap1}, {@code pool:p}, {@code local}, as in
 * {@link RouteTarget#parse}); no row is {@link LookupResult#NOT_FOUND}. Wrap it in a
 * {@link CachedLookup} like the other lookups.
 *
 * <p>The query names what it needs with placeholders, which become bound parameters (never text
 * pasted into SQL): {@code :user} the login name in lower case, {@code :domain} its domain,
 * {@code :local} the part before the {@code @}, {@code :protocol} ({@code imap}, {@code pop3},
 * {@code smtp}, {@code submission}), {@code :listener}. For example {@code SELECT target FROM
 * routes WHERE address = :user OR address = :domain ORDER BY length(address) DESC LIMIT 1}.
 * A placeholder whose value is unknown (no user on a port-25 session) binds SQL NULL.
 *
 * <p>JDBC blocks, so every query runs on {@code io}, a bounded scheduler (its thread count bounds
 * the queries in flight); at most {@code maxConnections} connections are kept open between
 * queries (more may be opened under load, then closed). A query is given {@code timeout}: the
 * driver cancels it then ({@link PreparedStatement#setQueryTimeout}), and the answer is an error
 * even if the driver does not (a connect that hangs). A kept connection the server has dropped
 * meanwhile is replaced and the query run again once. A database error is an error signal, so
 * {@link CachedLookup} does not cache it as "no entry".
 */
public final class SqlLookup implements Lookup, AutoCloseable {

  /** Opens a JDBC connection, e.g. {@code () -> DriverManager.getConnection(url, user, pw)}. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private static final Pattern PLACEHOLDER = Pattern.compile(":(user|domain|local|protocol|listener)\\b");

  private final String name;
  private final ConnectionFactory connections;
  private final String sql;
  private final List<String> parameters;
  private final Scheduler io;
  private final BlockingQueue<Connection> idle;
  private final Duration timeout;
  private volatile boolean closed;

  /**
   * @param maxConnections connections kept open between queries, at least 1
   * @param timeout how long a query may take, at least one second (JDBC counts in seconds)
   */
  public SqlLookup(String name, ConnectionFactory connections, String query, Scheduler io,
      int maxConnections, Duration timeout) {
    this.name = Objects.requireNonNull(name, "name");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("timeout < 1s");
    }
    this.connections = Objects.requireNonNull(connections, "connections");
    this.io = Objects.requireNonNull(io, "io");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections < 1");
    }
    this.idle = new ArrayBlockingQueue<>(maxConnections);
    this.parameters = placeholders(Objects.requireNonNull(query, "query"));
    this.sql = PLACEHOLDER.matcher(query).replaceAll("?");
  }

  /** The placeholders of {@code query} in order, without the colon ({@code user}, ...). */
  public static List<String> placeholders(String query) {
    List<String> params = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(query);
    while (m.find()) {
      params.add(m.group(1));
    }
    return List.copyOf(params);
  }

  @Override
  public String name() {
    return name;
  }

  /** The statement as sent to the database (placeholders replaced by {@code ?}). */
  public String sql() {
    return sql;
  }

  @Override
  public Mono<LookupResult> find(LookupQuery query) {
    return Mono.fromCallable(() -> query(query.facts())).subscribeOn(io)
        // the driver's own timeout covers the statement; this one also covers connecting
        .timeout(timeout.plusSeconds(1));
  }

  private LookupResult query(RouteFacts facts) throws SQLException {
    Connection pooled = idle.poll();
    if (pooled != null) {
      try {
        return query(pooled, facts);
      } catch (SQLException e) {
        if (!connectionLost(e)) {
          throw e;
        }
        // the server dropped a kept connection (restart, idle timeout): once more on a new one
      }
    }
    return query(connections.open(), facts);
  }

  /** SQLSTATE class 08 (connection exception), or 57P01 (PostgreSQL: terminated by an admin). */
  static boolean connectionLost(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException
        || state != null && (state.startsWith("08") || state.equals("57P01"));
  }

  private LookupResult query(Connection c, RouteFacts facts) throws SQLException {
    boolean healthy = false;
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
      for (int i = 0; i < parameters.size(); i++) {
        st.setString(i + 1, value(parameters.get(i), facts));
      }
      st.setMaxRows(1);
      LookupResult result;
      try (ResultSet rs = st.executeQuery()) {
        String target = rs.next() ? rs.getString(1) : null;
        result = target == null || target.isBlank() ? LookupResult.NOT_FOUND
            : LookupResult.Found.of(RouteTarget.parse(target.strip()));
      }
      healthy = true;
      return result;
    } finally {
      giveBack(c, healthy);
    }
  }

  static String value(String parameter, RouteFacts f) {
    String user = f.user() == null ? null : f.user().toLowerCase(Locale.ROOT);
    return switch (parameter) {
      case "user" -> user;
      case "domain" -> f.domain();
      case "local" -> user == null ? null
          : user.lastIndexOf('@') < 0 ? user : user.substring(0, user.lastIndexOf('@'));
      case "protocol" -> f.protocol().configName();
      case "listener" -> f.listener();
      default -> throw new IllegalStateException(parameter);
    };
  }

  /** A connection that failed a query is closed rather than reused (it may be broken). */
  private void giveBack(Connection c, boolean healthy) {
    if (!healthy || closed || !idle.offer(c)) {
      closeQuietly(c);
    } else if (closed && idle.remove(c)) {
      closeQuietly(c); // close() ran between the check and the offer
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing a broken connection: nothing more to do with it
    }
  }

  /** Closes the idle connections, and those of queries in flight when they end. */
  @Override
  public void close() {
    closed = true;
    for (Connection c = idle.poll(); c != null; c = idle.poll()) {
      closeQuietly(c);
    }
  }
}
