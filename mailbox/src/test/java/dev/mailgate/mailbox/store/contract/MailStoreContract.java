package dev.mailgate.mailbox.store.contract;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * The fixture every store contract needs: a store, and a way to reopen it on the same data (to
 * prove persistence). A PostgreSQL store passes the same contracts by implementing these two
 * methods in its own test class with {@code @Nested} classes, as {@code SqliteMailStoreTest} does.
 */
public interface MailStoreContract {
  Duration TIMEOUT = Duration.ofSeconds(20);

  MailStore store();

  /** Closes the store and opens a new instance over the same data; returns it. */
  MailStore reopen();

  default String newUser() {
    return newUser(Quota.unlimited());
  }

  default String newUser(Quota quota) {
    String user = "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    store().provision(user, quota).block(TIMEOUT);
    return user;
  }

  default MailboxInfo box(String user, String name) {
    return store().mailbox(user, MailboxName.of(name)).block(TIMEOUT);
  }

  default MailboxId inbox(String user) {
    return box(user, "INBOX").id();
  }

  static String message(String subject) {
    return "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: " + subject
        + "\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello " + subject + "\r\n";
  }

  default AppendResult append(MailboxId box, String text) {
    return append(box, text, Flags.NONE);
  }

  default AppendResult append(MailboxId box, String text, Flags flags) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    // split in two chunks so the streaming path is exercised
    Flux<ByteBuffer> chunks = Flux.just(ByteBuffer.wrap(b, 0, b.length / 2),
        ByteBuffer.wrap(b, b.length / 2, b.length - b.length / 2));
    return store().append(box, new AppendRequest(flags, OffsetDateTime.now(), -1), chunks).block(TIMEOUT);
  }

  default String content(MailboxId box, long uid, ByteRange range) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store().content(box, uid, range).doOnNext(b -> {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
    }).blockLast(TIMEOUT);
    return out.toString(StandardCharsets.UTF_8);
  }
}
