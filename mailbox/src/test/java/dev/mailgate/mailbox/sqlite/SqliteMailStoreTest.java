package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.contract.ConcurrencyContract;
import dev.mailgate.mailbox.store.contract.CopyMoveContract;
import dev.mailgate.mailbox.store.contract.EventsContract;
import dev.mailgate.mailbox.store.contract.ExpungeContract;
import dev.mailgate.mailbox.store.contract.FlagsContract;
import dev.mailgate.mailbox.store.contract.HierarchyContract;
import dev.mailgate.mailbox.store.contract.KeywordLimitContract;
import dev.mailgate.mailbox.store.contract.QuotaContract;
import dev.mailgate.mailbox.store.contract.UidContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store against every store contract, with every body in a file; {@link
 * SqliteInlineMailStoreTest} runs the same contracts with small bodies inline.
 */
class SqliteMailStoreTest {
  @TempDir Path dir;
  SqliteMailStore store;

  StoreLimits limits() {
    StoreLimits d = StoreLimits.defaults();
    return new StoreLimits(d.maxMessageBytes(), d.ioThreads(), d.ioQueue(), d.writeQueue(),
        d.groupCommit(), d.eventBacklog(), d.appendPrefetch(), d.maxHeaderBytes(), 0);
  }

  @BeforeEach
  void open() {
    store = SqliteMailStore.open(dir, limits());
  }

  @AfterEach
  void close() {
    store.close();
  }

  abstract class Fixture {
    public MailStore store() {
      return store;
    }

    public MailStore reopen() {
      store.close();
      store = SqliteMailStore.open(dir, limits());
      return store;
    }
  }

  @Nested
  class Uids extends Fixture implements UidContract {}

  @Nested
  class FlagsAndModSeq extends Fixture implements FlagsContract {}

  @Nested
  class KeywordLimit extends Fixture implements KeywordLimitContract {}

  @Nested
  class Expunge extends Fixture implements ExpungeContract {}

  @Nested
  class CopyMove extends Fixture implements CopyMoveContract {}

  @Nested
  class Hierarchy extends Fixture implements HierarchyContract {}

  @Nested
  class Quotas extends Fixture implements QuotaContract {}

  @Nested
  class Concurrency extends Fixture implements ConcurrencyContract {}

  @Nested
  class Events extends Fixture implements EventsContract {}
}
