package dev.mailgate.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.contract.MailStoreContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** The LISTEN connection breaking: sessions are told to resynchronise, and the node reconnects. */
@ExtendWith(PostgresServerExtension.class)
class PostgresListenerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String LISTENER_PID = "SELECT coalesce(max(pid), 0) FROM pg_stat_activity"
      + " WHERE datname = current_database() AND application_name = 'mailgate-" + PgListener.ROLE + "'";
  static String url;
  PostgresMailStore store;

  @BeforeAll
  static void database(PostgresServer server) throws Exception {
    url = server.newDatabase();
  }

  @BeforeEach
  void open() {
    store = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static long query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      return Jdbc.queryLong(c, sql);
    }
  }

  private AppendResult deliver(MailboxId inbox, String subject) {
    byte[] b = MailStoreContract.message(subject).getBytes(StandardCharsets.US_ASCII);
    return store.append(inbox, new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1),
        Flux.just(ByteBuffer.wrap(b))).block(TIMEOUT);
  }

  @Test
  void lostListenerConnectionFailsEventStreamsAndANewSubscriptionHearsChangesAfterReconnect()
      throws Exception {
    String user = "listener-test@example.org";
    store.provision(user, Quota.unlimited()).block(TIMEOUT);
    MailboxId inbox = store.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    long listener = query(LISTENER_PID);
    assertThat(listener).isPositive();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    Disposable first = store.events(inbox).subscribe(e -> {}, failed::complete);

    query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid = " + listener);

    assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(MailStoreException.class,
        e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.UNAVAILABLE));
    first.dispose();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long reconnected;
    do {
      Thread.sleep(50); // polling for the reconnect, not timing it
      reconnected = query(LISTENER_PID);
    } while ((reconnected == 0 || reconnected == listener) && System.nanoTime() < deadline);
    assertThat(reconnected).isNotZero().isNotEqualTo(listener);

    // The listener's new connection shows in pg_stat_activity a moment before it LISTENs and fails
    // the streams opened during the outage; a stream opened in that moment is failed as such, and
    // a session would resubscribe. So does the test, a bounded number of times.
    Object outcome = null;
    for (int attempt = 0; attempt < 3 && !(outcome instanceof MailboxEvent); attempt++) {
      BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
      Disposable second = store.events(inbox).subscribe(heard::add, heard::add);
      try {
        long uid = deliver(inbox, "after reconnect " + attempt).uid();
        do { // an earlier attempt's message may be announced first; wait for this one's
          outcome = heard.poll(5, TimeUnit.SECONDS);
        } while (outcome instanceof MailboxEvent.Added a && a.uid() != uid);
      } finally {
        second.dispose();
      }
    }
    assertThat(outcome).isInstanceOf(MailboxEvent.Added.class);
  }
}
