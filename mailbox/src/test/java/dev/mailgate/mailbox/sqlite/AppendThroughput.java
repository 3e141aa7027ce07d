package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Arrays;
import reactor.core.publisher.Flux;

/**
 * A quick measurement, not a test: fsynced appends per second of the store (body files) against
 * the alternative it rejected (bodies as SQLite BLOBs, same WAL + synchronous=FULL), for small and
 * large messages, one at a time and 16 in flight (the blob variant then commits 16 per
 * transaction, like the store's group commit). Run:
 * {@code java -cp <test classpath> dev.mailgate.mailbox.sqlite.AppendThroughput <dir>}
 */
public final class AppendThroughput {
  private AppendThroughput() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args.length > 0 ? args[0] : "target/throughput");
    for (int size : new int[] {4 * 1024, 1024 * 1024}) {
      int n = size > 100_000 ? 60 : 400;
      for (int inFlight : new int[] {1, 16}) {
        double store = store(Files.createTempDirectory(Files.createDirectories(base), "store"), size, n, inFlight, StoreLimits.defaults());
        double files = store(Files.createTempDirectory(base, "files"), size, n, inFlight, filesOnly());
        double blobs = blobs(Files.createTempDirectory(base, "blobs"), size, n, inFlight);
        System.out.printf("size=%7d B in-flight=%2d  store (default): %7.1f/s   files only: %7.1f/s   raw blobs: %7.1f/s%n",
            size, inFlight, store, files, blobs);
      }
    }
  }

  static byte[] body(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    byte[] head = "Subject: throughput\r\n\r\n".getBytes();
    System.arraycopy(head, 0, b, 0, head.length);
    return b;
  }

  static StoreLimits filesOnly() {
    StoreLimits d = StoreLimits.defaults();
    return new StoreLimits(d.maxMessageBytes(), d.ioThreads(), d.ioQueue(), d.writeQueue(),
        d.groupCommit(), d.eventBacklog(), d.appendPrefetch(), d.maxHeaderBytes(), 0);
  }

  static double store(Path dir, int size, int n, int inFlight, StoreLimits limits) {
    try (SqliteMailStore store = SqliteMailStore.open(dir, limits)) {
      store.provision("t", Quota.unlimited()).block();
      MailboxId inbox = store.mailbox("t", MailboxName.INBOX).block().id();
      byte[] b = body(size);
      long t0 = System.nanoTime();
      Flux.range(0, n)
          .flatMap(i -> store.append(inbox, new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1),
              Flux.just(ByteBuffer.wrap(b))), inFlight)
          .blockLast();
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  static double blobs(Path dir, int size, int n, int batch) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("blobs.db"))) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("CREATE TABLE m(uid INTEGER PRIMARY KEY, body BLOB NOT NULL)");
      }
      c.setAutoCommit(false);
      byte[] b = body(size);
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO m(body) VALUES (?)")) {
        for (int i = 0; i < n; i++) {
          ps.setBytes(1, b); // the whole message in the heap: sqlite-jdbc has no streaming blob write
          ps.executeUpdate();
          if ((i + 1) % batch == 0 || i == n - 1) {
            c.commit();
          }
        }
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
