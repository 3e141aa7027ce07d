package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.store.MailStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated connection and thread per store instance that LISTENs on {@link PgTx#CHANNEL} and
 * hands every notification, decoded, to the {@link PgChangeBus}: changes committed by this node
 * and by every other node sharing the database arrive the same way, in commit order.
 *
 * <p>If the connection breaks, notifications sent meanwhile are lost to this node: the bus fails
 * every stream (sessions resynchronise) and the thread reconnects, waiting {@link #RECONNECT_DELAY_MS}
 * between attempts.
 */
final class PgListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgListener.class);
  /** How long one wait for notifications lasts before the thread checks whether it should stop. */
  private static final int POLL_MS = 1000;
  private static final long RECONNECT_DELAY_MS = 1000;
  /** Names the listener's connection in {@code pg_stat_activity} ("mailgate-listener"). */
  static final String ROLE = "listener";

  private final PgConnections connections;
  private final PgChangeBus bus;
  private final PgDeliveries deliveries;
  private final Thread thread;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Connection conn;
  private volatile boolean running = true;

  /** Connects and LISTENs before returning, so no change committed after open is missed. */
  PgListener(PgConnections connections, PgChangeBus bus, PgDeliveries deliveries, String name)
      throws SQLException {
    this.connections = connections;
    this.bus = bus;
    this.deliveries = deliveries;
    this.conn = listen();
    this.thread = new Thread(this::loop, "mailstore-pg-listener-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private Connection listen() throws SQLException {
    Connection c = connections.openDedicated(true, ROLE);
    try (Statement st = c.createStatement()) {
      st.execute("LISTEN " + PgTx.CHANNEL);
    } catch (SQLException e) {
      PgConnections.closeQuietly(c);
      throw e;
    }
    deliveries.listening(true);
    return c;
  }

  private void loop() {
    try {
      while (running) {
        try {
          if (conn == null) {
            conn = listen();
            // streams opened during the outage missed what was committed meanwhile
            bus.failAll(new MailStoreException(MailStoreException.Reason.UNAVAILABLE,
                "change notifications resumed after an outage; resynchronise"));
          }
          receive(conn);
        } catch (SQLException | RuntimeException e) {
          if (!running) {
            break;
          }
          log.warn("change notifications interrupted, reconnecting: {}", e.toString());
          deliveries.listening(false);
          Connection broken = conn;
          conn = null;
          if (broken != null) {
            PgConnections.closeQuietly(broken);
          }
          bus.failAll(new MailStoreException(MailStoreException.Reason.UNAVAILABLE,
              "change notifications interrupted; resynchronise", e));
          awaitStop(RECONNECT_DELAY_MS);
        }
      }
    } finally {
      deliveries.listening(false);
      stopped.countDown();
    }
  }

  private void receive(Connection c) throws SQLException {
    PGNotification[] batch = c.unwrap(PGConnection.class).getNotifications(POLL_MS);
    if (batch == null) {
      return;
    }
    for (PGNotification n : batch) {
      String tagged = n.getParameter();
      int space = tagged.indexOf(' ');
      String token = tagged.substring(0, space);
      String payload = tagged.substring(space + 1);
      if (payload.startsWith("O ")) {
        payload = overflow(c, Long.parseLong(payload.substring(2)));
        if (payload == null) {
          throw new SQLException("overflowed event is gone: this node fell more than an hour behind");
        }
      }
      bus.publish(PgEventCodec.decode(payload));
      if (!token.equals("-")) {
        deliveries.seen(token);
      }
    }
  }

  private static String overflow(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM event_overflow WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Waits until close() or the timeout, whichever comes first. */
  private void awaitStop(long millis) {
    try {
      if (!running) {
        return;
      }
      stopRequested.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    stopRequested.countDown();
    Connection c = conn;
    if (c != null) {
      try {
        c.abort(Runnable::run); // closes the socket at once: wakes the thread out of its wait
      } catch (SQLException ignored) {
        // already closed
      }
    }
    try {
      stopped.await(POLL_MS * 2L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
