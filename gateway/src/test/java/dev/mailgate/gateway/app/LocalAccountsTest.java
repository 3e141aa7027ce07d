package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mailbox accounts for local users, on the periodic check and on first use (after `user add`). */
class LocalAccountsTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void anAccountProvisionedOnFirstUseGetsTheConfiguredQuotaAndCanBeEnsuredAgain() throws Exception {
    try (MailStore store = SqliteMailStore.open(dir.resolve("store"), StoreLimits.defaults());
        UserStore users = UserStore.open(dir.resolve("users"), new Argon2id.Params(1024, 1, 1), 2);
        // an hour between checks, so the account below comes from ensure() unless the first
        // check, at start, already saw the user (then from the same limits: either way counts)
        LocalAccounts accounts = new LocalAccounts(users, store, () -> 5_000_000, Duration.ofHours(1))) {
      users.add("new@example.test", "pw".toCharArray()).block(T);

      accounts.ensure("new@example.test").block(T);
      accounts.ensure("new@example.test").block(T);

      Quota q = store.quota("new@example.test").block(T);
      assertThat(q.storageLimit()).isEqualTo(5_000_000);
      assertThat(q.storageUsed()).isZero();
    }
  }
}
