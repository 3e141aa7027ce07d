package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.store.MailboxEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one unit of work in a transaction on a pooled connection (blocking: call it on the store's
 * I/O scheduler). The work's events are sent with {@code pg_notify} inside the same transaction,
 * so PostgreSQL delivers them to every node's listener if and only if the change commits, and in
 * commit order. Deadlocks and serialisation failures (two nodes changing the same rows) and a
 * foreign-key race on a shared body are retried from scratch, at most {@link #ATTEMPTS} times, and
 * so is a transaction whose connection broke before COMMIT.
 *
 * <p>A payload is a token and the encoded event ({@link PgEventCodec}), or {@code O id} for one
 * stored in {@code event_overflow}. The token is {@code -} except on a transaction's last event,
 * which carries the {@link PgDeliveries} token its writer waits for.
 */
final class PgTx {
  static final String CHANNEL = "mailgate_events";
  /** NOTIFY payloads must stay under 8000 bytes; longer ones go through {@code event_overflow}. */
  static final int MAX_PAYLOAD_BYTES = 7900;
  static final int ATTEMPTS = 5;

  /** Work run inside the transaction; may be run again after a retryable failure. */
  interface Work<T> {
    T run(Connection c, Effects fx) throws Exception;
  }

  /** What the transaction announces once committed. */
  static final class Effects {
    private final List<MailboxEvent> events = new ArrayList<>();

    void event(MailboxEvent e) {
      events.add(e);
    }
  }

  /** A committed transaction's result and, if it had events, their local delivery. */
  record Committed<T>(T value, CompletableFuture<Void> delivered) {}

  private final PgConnections pool;
  private final PgDeliveries deliveries;

  PgTx(PgConnections pool, PgDeliveries deliveries) {
    this.pool = pool;
    this.deliveries = deliveries;
  }

  <T> Committed<T> run(Work<T> work) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Connection c = pool.borrow();
      boolean broken = false;
      boolean committing = false;
      String token = null;
      try {
        Effects fx = new Effects();
        T value = work.run(c, fx);
        CompletableFuture<Void> delivered = null;
        if (!fx.events.isEmpty()) {
          token = deliveries.nextToken();
          delivered = deliveries.expect(token);
        }
        notify(c, fx.events, token);
        committing = true;
        c.commit();
        return new Committed<>(value, delivered);
      } catch (SQLException e) {
        broken = PgConnections.isBroken(c, e);
        rollbackQuietly(c);
        if (token != null) {
          deliveries.forget(token);
        }
        // a connection that broke before COMMIT committed nothing (a pooled one may have gone
        // stale in a database restart): try again on a fresh one; after COMMIT the outcome is
        // unknown, so the caller must see the failure
        if ((broken ? !committing : retryable(e)) && attempt < ATTEMPTS) {
          continue;
        }
        throw e;
      } catch (Exception | Error e) {
        rollbackQuietly(c);
        if (token != null) {
          deliveries.forget(token);
        }
        throw e;
      } finally {
        pool.release(c, broken);
      }
    }
  }

  private static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state) || "23503".equals(state)
        || "23505".equals(state);
  }

  private static void notify(Connection c, List<MailboxEvent> events, String token)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
      for (int i = 0; i < events.size(); i++) {
        String payload = PgEventCodec.encode(events.get(i));
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
          payload = "O " + overflow(c, payload);
        }
        ps.setString(1, (i == events.size() - 1 ? token : "-") + " " + payload);
        ps.executeQuery().close();
      }
    }
  }

  /** Stores a long payload for the listeners to read; old ones (read long ago) are dropped. */
  private static long overflow(Connection c, String payload) throws SQLException {
    Jdbc.update(c, "DELETE FROM event_overflow WHERE created < now() - interval '1 hour'");
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO event_overflow(payload) VALUES (?) RETURNING id")) {
      ps.setString(1, payload);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable; release() discards it when the error said so
    }
  }
}
