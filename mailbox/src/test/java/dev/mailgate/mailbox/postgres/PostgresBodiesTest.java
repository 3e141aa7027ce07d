package dev.mailgate.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.store.contract.MailStoreContract;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Bodies in chunk rows: streamed in and out, read by range across chunks, freed with the last copy. */
@ExtendWith(PostgresServerExtension.class)
class PostgresBodiesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long MAX_MESSAGE = 512 * 1024;
  static String url;
  PostgresMailStore store;

  @BeforeAll
  static void database(PostgresServer server) throws Exception {
    url = server.newDatabase();
  }

  @BeforeEach
  void open() {
    StoreLimits d = StoreLimits.defaults();
    store = PostgresMailStore.open(url, "postgres", "", new StoreLimits(MAX_MESSAGE, d.ioThreads(),
        d.ioQueue(), d.writeQueue(), d.groupCommit(), d.eventBacklog(), d.appendPrefetch(),
        d.maxHeaderBytes(), d.inlineBodyBytes()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private MailboxId inbox(String user) {
    return store.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
  }

  private String newUser() {
    String user = "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    store.provision(user, Quota.unlimited()).block(TIMEOUT);
    return user;
  }

  /** A message of exactly {@code size} bytes whose byte positions are recognisable. */
  private static byte[] bigMessage(int size) {
    StringBuilder sb = new StringBuilder(MailStoreContract.message("big"));
    for (int line = 0; sb.length() < size; line++) {
      sb.append(String.format("%07d ", line)).append("abcdefghijklmnopqrstuvwxyz0123456789\r\n");
    }
    return java.util.Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
  }

  /** Sent in 10 000-byte buffers, so chunk rows and arriving buffers never line up. */
  private AppendResult append(MailboxId box, byte[] b) {
    List<ByteBuffer> parts = new ArrayList<>();
    for (int i = 0; i < b.length; i += 10_000) {
      parts.add(ByteBuffer.wrap(b, i, Math.min(10_000, b.length - i)));
    }
    return store.append(box, new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1), Flux.fromIterable(parts))
        .block(TIMEOUT);
  }

  private byte[] read(MailboxId box, long uid, ByteRange range, List<Integer> bufferSizes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.content(box, uid, range).doOnNext(buf -> {
      bufferSizes.add(buf.remaining());
      byte[] a = new byte[buf.remaining()];
      buf.get(a);
      out.writeBytes(a);
    }).blockLast(TIMEOUT);
    return out.toByteArray();
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      return Jdbc.queryLong(c, sql);
    }
  }

  @Test
  void largeMessageIsStoredInChunkRowsAndReadBackWholeAndByRangeAcrossChunkBoundaries()
      throws Exception {
    MailboxId inbox = inbox(newUser());
    byte[] msg = bigMessage(300 * 1024); // above the 64 KiB in-heap spool: goes through a temp file
    AppendResult r = append(inbox, msg);

    List<Integer> sizes = new ArrayList<>();
    assertThat(read(inbox, r.uid(), ByteRange.ALL, sizes)).isEqualTo(msg);
    assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PgBodies.CHUNK)).hasSize(5);
    int boundary = PgBodies.CHUNK * 2;
    byte[] across = read(inbox, r.uid(), new ByteRange(boundary - 100, 300), new ArrayList<>());
    assertThat(across).isEqualTo(java.util.Arrays.copyOfRange(msg, boundary - 100, boundary + 200));
    byte[] tail = read(inbox, r.uid(), new ByteRange(msg.length - 10, 1000), new ArrayList<>());
    assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(msg, msg.length - 10, msg.length));
    assertThat(read(inbox, r.uid(), new ByteRange(msg.length + 5, 10), new ArrayList<>())).isEmpty();
    assertThat(store.structure(inbox, r.uid()).block(TIMEOUT).envelope().subject()).isEqualTo("big");
  }

  @Test
  void bodyIsSharedByCopiesAndRemovedWithTheLastOne() throws Exception {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxId archive = store.mailbox(user, MailboxName.of("Archive")).block(TIMEOUT).id();
    long bodiesBefore = count("SELECT count(*) FROM bodies");
    AppendResult r = append(inbox, bigMessage(100 * 1024));
    long copy = store.copy(inbox, UidSet.of(r.uid()), archive).block(TIMEOUT).destinationUids().get(0);
    assertThat(count("SELECT count(*) FROM bodies")).isEqualTo(bodiesBefore + 1);

    Flags deleted = Flags.of(SystemFlag.DELETED);
    store.store(inbox, UidSet.all(), FlagUpdate.add(deleted)).block(TIMEOUT);
    store.expunge(inbox, UidSet.all()).block(TIMEOUT);
    assertThat(read(archive, copy, ByteRange.ALL, new ArrayList<>())).hasSize(100 * 1024);

    store.store(archive, UidSet.all(), FlagUpdate.add(deleted)).block(TIMEOUT);
    store.expunge(archive, UidSet.all()).block(TIMEOUT);
    assertThat(count("SELECT count(*) FROM bodies")).isEqualTo(bodiesBefore);
    assertThat(count("SELECT count(*) FROM body_chunks c WHERE NOT EXISTS"
        + " (SELECT 1 FROM bodies b WHERE b.id = c.body_id)")).isZero();
  }

  /**
   * Each chunk is its own query, so a message expunged by another session after the first chunk
   * was read fails the rest of the read with NO_SUCH_MESSAGE; the IMAP FETCH that streamed the
   * first chunk into a literal must then close the connection (LocalImapExpungeRaceTest).
   */
  @Test
  void readOfALargeMessageExpungedAfterItsFirstChunkFailsNoSuchMessageMidStream() {
    MailboxId inbox = inbox(newUser());
    AppendResult r = append(inbox, bigMessage(200 * 1024));
    UidSet uid = UidSet.of(r.uid());
    List<Integer> delivered = new ArrayList<>();
    // the expunge commits while the first chunk is being delivered
    Flux<ByteBuffer> read = store.content(inbox, r.uid(), ByteRange.ALL).concatMap(buf -> {
      Mono<?> expunge = !delivered.isEmpty() ? Mono.empty()
          : store.store(inbox, uid, FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
              .then(store.expunge(inbox, uid));
      delivered.add(buf.remaining());
      return expunge.thenReturn(buf);
    }, 0);
    assertThatThrownBy(() -> read.blockLast(TIMEOUT)).isInstanceOfSatisfying(MailStoreException.class,
        e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.NO_SUCH_MESSAGE));
    // the chunk query after the one being delivered may already have run: one more can arrive
    assertThat(delivered).isNotEmpty().hasSizeLessThan(4)
        .allSatisfy(n -> assertThat(n).isEqualTo(PgBodies.CHUNK));
  }

  @Test
  void messageOverTheSizeLimitFailsTooBigWhileStreamingAndStoresNothing() throws Exception {
    MailboxId inbox = inbox(newUser());
    long bodiesBefore = count("SELECT count(*) FROM bodies");
    byte[] msg = bigMessage((int) MAX_MESSAGE + 1000);
    assertThatThrownBy(() -> append(inbox, msg)).isInstanceOfSatisfying(MailStoreException.class,
        e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.TOO_BIG));
    assertThat(count("SELECT count(*) FROM bodies")).isEqualTo(bodiesBefore);
    assertThat(store.messages(inbox, UidSet.all()).collectList().block(TIMEOUT)).isEmpty();
  }
}
