package dev.mailgate.mailbox.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the store's reads run: never on the caller's thread unless that is one of the store's own
 * I/O threads, where a read that follows another (a FETCH's structure after its message list) runs
 * without waking another thread.
 */
class SqliteReadThreadsTest {
  static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;
  SqliteMailStore store;

  @BeforeEach
  void open() {
    store = SqliteMailStore.open(dir, StoreLimits.defaults());
    store.provision("u", Quota.unlimited()).block(T);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void readAskedForOutsideTheStoreRunsOnAnIoThread() {
    String caller = Thread.currentThread().getName();
    String ran = store.mailbox("u", MailboxName.INBOX).map(i -> Thread.currentThread().getName()).block(T);
    assertThat(ran).startsWith("mailstore-io-").isNotEqualTo(caller);
  }

  @Test
  void readAskedForOnAnIoThreadRunsOnThatThread() {
    List<String> ran = store.mailbox("u", MailboxName.INBOX)
        .flatMap(first -> {
          String after = Thread.currentThread().getName();
          return store.mailbox("u", MailboxName.INBOX)
              .map(second -> List.of(after, Thread.currentThread().getName()));
        })
        .block(T);
    assertThat(ran.get(0)).startsWith("mailstore-io-");
    assertThat(ran.get(1)).isEqualTo(ran.get(0));
  }
}
