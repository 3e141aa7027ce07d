package dev.mailgate.mailbox.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Opens SQLite connections with the durability settings the store relies on: WAL journal (readers
 * never block the writer) and {@code synchronous=FULL} (a commit is on disk when it returns), plus
 * a pool of read connections, at most one per I/O thread.
 */
final class SqliteConnections implements AutoCloseable {
  private final String url;
  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();
  private final int max;

  SqliteConnections(Path db, int readers) {
    this.url = "jdbc:sqlite:" + db.toAbsolutePath();
    this.max = readers;
    this.idle = new ArrayBlockingQueue<>(readers);
  }

  Connection openWriter() throws SQLException {
    Connection c = open();
    c.setAutoCommit(false);
    return c;
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA foreign_keys=ON");
    }
    synchronized (all) {
      all.add(c);
    }
    return c;
  }

  /** Borrows a read connection (opening one if fewer than the cap exist). */
  Connection borrow() throws SQLException {
    Connection c = idle.poll();
    if (c != null) {
      return c;
    }
    synchronized (all) {
      if (all.size() < max + 1) {
        return open();
      }
    }
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for a connection", e);
    }
  }

  void release(Connection c) {
    idle.offer(c);
  }

  @Override
  public void close() {
    synchronized (all) {
      for (Connection c : all) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing: nothing to do
        }
      }
      all.clear();
    }
  }
}
