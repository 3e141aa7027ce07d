package dev.mailgate.gateway.cluster;

import dev.mailgate.config.model.StoreConfig;
import dev.mailgate.mailbox.postgres.PostgresMailStore;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.StoreLimits;
import java.nio.file.Path;

/**
 * Opens the mailbox store that {@code store:} names: the embedded SQLite store in the local data
 * directory (one node), or the shared PostgreSQL store that every node of a cluster opens
 * (docs/scale-out.md).
 */
public final class MailStores {
  private MailStores() {}

  /** Opens the configured store; the caller closes it. */
  public static MailStore open(StoreConfig config, Path localDir) {
    StoreLimits defaults = StoreLimits.defaults();
    if (config instanceof StoreConfig.Postgres p) {
      return PostgresMailStore.open(p.url(), p.user(), p.password(),
          withIoThreads(defaults, p.connections()));
    }
    return SqliteMailStore.open(localDir, defaults);
  }

  /** {@code ioThreads} is the PostgreSQL store's pool size (one connection per I/O thread). */
  private static StoreLimits withIoThreads(StoreLimits l, int threads) {
    return new StoreLimits(l.maxMessageBytes(), threads, l.ioQueue(), l.writeQueue(),
        l.groupCommit(), l.eventBacklog(), l.appendPrefetch(), l.maxHeaderBytes(),
        l.inlineBodyBytes());
  }

  /** How the store is described in the startup log (never with its password). */
  public static String describe(StoreConfig config, Path localDir) {
    if (config instanceof StoreConfig.Postgres p) {
      return "postgres at " + p.url() + " as " + p.user() + ", " + p.connections()
          + " connections";
    }
    return "sqlite in " + localDir.toAbsolutePath();
  }
}
