package dev.mailgate.mailbox.postgres;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PostgreSQL store against every store contract, on a private PostgreSQL server. The tests
 * share one database (each contract test provisions its own random user); {@code reopen} closes
 * the store and opens a new instance on the same database.
 */
@ExtendWith(PostgresServerExtension.class)
class PostgresMailStoreTest {
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

  abstract class Fixture {
    public MailStore store() {
      return store;
    }

    public MailStore reopen() {
      store.close();
      store = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
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
