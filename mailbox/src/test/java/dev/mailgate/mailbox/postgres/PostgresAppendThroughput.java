package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * A quick measurement, not a test: durable appends per second of the PostgreSQL store (one
 * instance, and two instances on one database as two nodes) against the embedded SQLite store,
 * on this machine, with a private PostgreSQL server started from Debian's binaries (fsync on,
 * synchronous_commit on). One run; the ratio is what the docs quote. Run (from the repository):
 *
 * <pre>
 * mvn -o -q -pl mailbox test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * cd mailbox &amp;&amp; java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.mailgate.mailbox.postgres.PostgresAppendThroughput
 * </pre>
 */
public final class PostgresAppendThroughput {
  private PostgresAppendThroughput() {}

  public static void main(String[] args) throws Exception {
    try (PostgresServer server = PostgresServer.start()) {
      String url = server.newDatabase();
      Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "throughput");
      int[][] runs = { // size, in flight, mailboxes
        {4 * 1024, 1, 1}, {4 * 1024, 16, 1}, {4 * 1024, 16, 16}, {1024 * 1024, 1, 1}, {1024 * 1024, 16, 16},
      };
      for (int[] run : runs) {
        int size = run[0];
        int inFlight = run[1];
        int boxes = run[2];
        int n = size > 100_000 ? 48 : 400;
        double sqlite;
        try (SqliteMailStore s = SqliteMailStore.open(Files.createTempDirectory(dir, "sqlite"),
            StoreLimits.defaults())) {
          sqlite = rate(List.of(s), size, n, inFlight, boxes);
        }
        double pg;
        double pg2;
        try (PostgresMailStore a = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
            PostgresMailStore b = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults())) {
          pg = rate(List.of(a), size, n, inFlight, boxes);
          pg2 = rate(List.of(a, b), size, n, Math.max(1, inFlight / 2), boxes);
        }
        System.out.printf("size=%7d B in-flight=%2d mailboxes=%2d  sqlite: %6.1f/s  postgres: %6.1f/s"
            + " (%.2fx)  postgres, 2 nodes: %6.1f/s (%.2fx)%n", size, inFlight, boxes, sqlite, pg,
            pg / sqlite, pg2, pg2 / sqlite);
      }
    }
  }

  /**
   * Appends/s into {@code boxes} mailboxes (round robin); each store appends n / stores.size()
   * with {@code inFlight} at a time.
   */
  private static double rate(List<? extends MailStore> stores, int size, int n, int inFlight,
      int boxes) {
    List<MailboxId> inboxes = new java.util.ArrayList<>();
    for (int i = 0; i < boxes; i++) {
      String user = "t" + UUID.randomUUID().toString().substring(0, 8);
      stores.get(0).provision(user, Quota.unlimited()).block();
      inboxes.add(stores.get(0).mailbox(user, MailboxName.INBOX).block().id());
    }
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    byte[] head = "Subject: throughput\r\n\r\n".getBytes();
    System.arraycopy(head, 0, b, 0, head.length);
    int each = n / stores.size();
    for (MailStore s : stores) { // warm-up
      append(s, inboxes, b, 5, 1).blockLast();
    }
    long t0 = System.nanoTime();
    Flux.fromIterable(stores).flatMap(s -> append(s, inboxes, b, each, inFlight)).blockLast();
    return each * stores.size() / ((System.nanoTime() - t0) / 1e9);
  }

  private static Flux<Long> append(MailStore s, List<MailboxId> boxes, byte[] b, int n, int inFlight) {
    return Flux.range(0, n)
        .flatMap(i -> s.append(boxes.get(i % boxes.size()), new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1),
            Flux.just(ByteBuffer.wrap(b))).map(r -> r.uid()), inFlight);
  }
}
