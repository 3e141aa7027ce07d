package dev.mailgate.mailbox.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.QuotaExceededException;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The embedded store's own limits: message size checked while streaming, quota before reading. */
class SqliteStoreLimitsTest {
  static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;

  @Test
  void streamedMessageOverTheSizeLimitFailsTooBigAndLeavesNothingBehind() throws Exception {
    StoreLimits d = StoreLimits.defaults();
    StoreLimits small = new StoreLimits(10_000, d.ioThreads(), d.ioQueue(), d.writeQueue(),
        d.groupCommit(), d.eventBacklog(), d.appendPrefetch(), d.maxHeaderBytes(), 0);
    try (SqliteMailStore store = SqliteMailStore.open(dir, small)) {
      store.provision("u", Quota.unlimited()).block(T);
      MailboxId inbox = store.mailbox("u", MailboxName.INBOX).block(T).id();
      Flux<ByteBuffer> endless = Flux.range(0, 1000).map(i -> ByteBuffer.wrap(new byte[1000]));
      assertThatThrownBy(() -> store.append(inbox, AppendRequest.delivery(), endless).block(T))
          .isInstanceOfSatisfying(MailStoreException.class,
              e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.TOO_BIG));
      assertThat(store.mailbox("u", MailboxName.INBOX).block(T).messages()).isZero();
      try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
        assertThat(tmp).isEmpty();
      }
    }
  }

  @Test
  void appendFromASpoolFileStoresItsBytesAndLeavesTheFile() throws Exception {
    Path spool = Files.createTempFile("spool", ".eml");
    byte[] msg = ("Subject: spooled\r\n\r\n" + "y".repeat(200_000) + "\r\n").getBytes();
    Files.write(spool, msg);
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      store.provision("f", Quota.unlimited()).block(T);
      MailboxId inbox = store.mailbox("f", MailboxName.INBOX).block(T).id();
      long uid = store.append(inbox, AppendRequest.delivery(), spool).block(T).uid();
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      store.content(inbox, uid, dev.mailgate.mailbox.store.ByteRange.ALL).doOnNext(b -> {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        got.writeBytes(a);
      }).blockLast(T);
      assertThat(got.toByteArray()).isEqualTo(msg);
      assertThat(spool).exists();
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  @Test
  void declaredSizeOverQuotaIsRefusedBeforeTheBodyIsRead() {
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      store.provision("q", Quota.limits(1000, 10)).block(T);
      MailboxId inbox = store.mailbox("q", MailboxName.INBOX).block(T).id();
      AtomicBoolean read = new AtomicBoolean();
      Flux<ByteBuffer> body = Flux.defer(() -> {
        read.set(true);
        return Flux.just(ByteBuffer.wrap(new byte[5000]));
      });
      assertThatThrownBy(() -> store.append(inbox, new AppendRequest(Flags.NONE, OffsetDateTime.now(), 5000), body).block(T))
          .isInstanceOf(QuotaExceededException.class);
      assertThat(read).isFalse();
    }
  }

  @Test
  void messagesOfAMailboxLargerThanOnePageAreListedWholeInUidOrder(@TempDir Path dir) {
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      store.provision("p@example.org", Quota.unlimited()).block(T);
      MailboxId inbox = store.mailbox("p@example.org", MailboxName.INBOX).block(T).id();
      int n = SqliteMailStore.MESSAGE_PAGE + 7;
      byte[] msg = "Subject: p\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
      Flux.range(0, n).flatMap(i -> store.append(inbox, new AppendRequest(Flags.NONE, OffsetDateTime.now(), msg.length),
          Flux.just(ByteBuffer.wrap(msg))), 64).blockLast(Duration.ofSeconds(120));
      List<Long> all = store.messages(inbox, UidSet.all()).map(MessageMeta::uid).collectList().block(T);
      assertThat(all).hasSize(n).isSorted().doesNotHaveDuplicates();
      List<Long> some = store.messages(inbox, new UidSet(List.of(new UidSet.Range(2, 3),
          new UidSet.Range(n - 1L, n + 5L)))).map(MessageMeta::uid).collectList().block(T);
      assertThat(some).containsExactly(2L, 3L, (long) n - 1, (long) n);
    }
  }
}
