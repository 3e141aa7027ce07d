package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.StoreLimits;

/** The store contracts again, with the default limits: small bodies stored inline in the index. */
class SqliteInlineMailStoreTest extends SqliteMailStoreTest {
  @Override
  StoreLimits limits() {
    return StoreLimits.defaults();
  }
}
