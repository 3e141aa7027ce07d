package dev.mailgate.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.store.contract.MailStoreContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The database server crashing under delivery load: every acknowledged append is there after the
 * server's recovery, and the same store instance serves again once the server is back. Uses its
 * own server (the shared one must not crash under other tests).
 */
class PostgresCrashTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static Mono<Long> deliver(PostgresMailStore store, MailboxId inbox, int i) {
    byte[] b = MailStoreContract.message("crash " + i).getBytes(StandardCharsets.US_ASCII);
    return store.append(inbox, new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1),
        Flux.just(ByteBuffer.wrap(b))).map(r -> r.uid());
  }

  @Test
  void everyAcknowledgedAppendSurvivesADatabaseCrashAndTheStoreServesAgainAfterRestart()
      throws Exception {
    try (PostgresServer server = PostgresServer.start()) {
      String url = server.newDatabase();
      try (PostgresMailStore store = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults())) {
        String user = "crash@example.org";
        store.provision(user, Quota.unlimited()).block(TIMEOUT);
        MailboxId inbox = store.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
        Queue<Long> acked = new ConcurrentLinkedQueue<>();
        Queue<Throwable> failed = new ConcurrentLinkedQueue<>();
        Disposable load = Flux.range(0, 100_000)
            .concatMap(i -> deliver(store, inbox, i).onErrorResume(e -> {
              failed.add(e);
              return Mono.empty();
            }))
            .subscribe(acked::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked.size() < 30 && System.nanoTime() < deadline) {
          Thread.sleep(20); // waiting for load to build up, not timing it
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(30);

        server.crash();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (failed.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        load.dispose();
        assertThat(failed).as("appends fail while the database is down").isNotEmpty();
        server.restart();

        List<Long> stored = store.messages(inbox, UidSet.all()).map(MessageMeta::uid)
            .collectList().block(TIMEOUT);
        assertThat(stored).containsAll(List.copyOf(acked));
        long after = deliver(store, inbox, -1).block(TIMEOUT);
        assertThat(after).isGreaterThan(acked.stream().mapToLong(Long::longValue).max().orElseThrow());
      }
    }
  }
}
