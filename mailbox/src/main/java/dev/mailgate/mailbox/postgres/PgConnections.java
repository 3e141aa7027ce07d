package dev.mailgate.mailbox.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;

/**
 * A small fixed-size pool of PostgreSQL connections, opened lazily. Its size equals the I/O
 * scheduler's thread cap and a connection is held only for the duration of one task on that
 * scheduler, so a borrower never waits for another borrower. A connection that failed with a
 * connection-class error (SQLState 08) is closed instead of returned, and a new one is opened on
 * the next borrow.
 */
final class PgConnections implements AutoCloseable {
  private final String url;
  private final Properties props;
  private final int size;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private int open;
  private boolean closed;

  PgConnections(String url, String user, String password, int size) {
    this.url = url;
    this.props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    this.size = size;
  }

  /**
   * A new connection set up like pooled ones; {@code role} names it in {@code pg_stat_activity}
   * ({@code application_name} "mailgate-" + role).
   */
  Connection openDedicated(boolean autoCommit, String role) throws SQLException {
    Properties p = new Properties();
    p.putAll(props);
    p.setProperty("ApplicationName", "mailgate-" + role);
    Connection c = DriverManager.getConnection(url, p);
    try (Statement st = c.createStatement()) {
      // durability of an acknowledged change must not depend on the server's default
      st.execute("SET synchronous_commit = on");
    }
    c.setAutoCommit(autoCommit);
    return c;
  }

  Connection borrow() throws SQLException {
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new SQLException("store closed", "08003");
        }
        Connection c = idle.pollFirst();
        if (c != null) {
          return c;
        }
        if (open < size) {
          open++;
          break;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted waiting for a connection", "08001", e);
        }
      }
    }
    try {
      return openDedicated(false, "store");
    } catch (SQLException | RuntimeException e) {
      synchronized (this) {
        open--;
        notifyAll();
      }
      throw e;
    }
  }

  void release(Connection c, boolean broken) {
    boolean discard;
    synchronized (this) {
      discard = broken || closed;
      if (discard) {
        open--;
      } else {
        idle.addFirst(c);
      }
      notifyAll();
    }
    if (discard) {
      closeQuietly(c);
    }
  }

  /** Whether the connection is unusable after {@code e} (broken link, server shutting it down). */
  static boolean isBroken(Connection c, SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return true;
    }
    try {
      return c.isClosed();
    } catch (SQLException ignored) {
      return true;
    }
  }

  @Override
  public void close() {
    Deque<Connection> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayDeque<>(idle);
      open -= idle.size();
      idle.clear();
      notifyAll();
    }
    toClose.forEach(PgConnections::closeQuietly);
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing: the server drops the session either way
    }
  }
}
