package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.QuotaExceededException;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import org.junit.jupiter.api.Test;

/** Per-user quotas (RFC 9208 STORAGE and MESSAGE). */
public interface QuotaContract extends MailStoreContract {

  @Test
  default void appendOverStorageQuotaFailsTypedAndStoresNothing() {
    String user = newUser(Quota.limits(150, 100));
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("fits")); // ~120 bytes
    assertThatThrownBy(() -> append(inbox, MailStoreContract.message("too much")))
        .isInstanceOfSatisfying(QuotaExceededException.class,
            e -> assertThat(e.resource()).isEqualTo(QuotaExceededException.Resource.STORAGE));
    assertThat(box(user, "INBOX").messages()).isEqualTo(1);
    Quota q = store().quota(user).block(TIMEOUT);
    assertThat(q.messagesUsed()).isEqualTo(1);
    assertThat(q.storageUsed()).isEqualTo(MailStoreContract.message("fits").length());
  }

  @Test
  default void messageCountQuotaRefusesCopiesToo() {
    String user = newUser(Quota.limits(Quota.UNLIMITED, 2));
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("1"));
    append(inbox, MailStoreContract.message("2"));
    assertThatThrownBy(() -> append(inbox, MailStoreContract.message("3")))
        .isInstanceOfSatisfying(QuotaExceededException.class,
            e -> assertThat(e.resource()).isEqualTo(QuotaExceededException.Resource.MESSAGE));
    assertThatThrownBy(() -> store().copy(inbox, UidSet.all(), box(user, "Archive").id()).block(TIMEOUT))
        .isInstanceOf(QuotaExceededException.class);
  }

  @Test
  default void expungeFreesQuota() {
    String user = newUser(Quota.limits(Quota.UNLIMITED, 1));
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("1"), Flags.of(SystemFlag.DELETED));
    store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    assertThat(store().quota(user).block(TIMEOUT).messagesUsed()).isZero();
    append(inbox, MailStoreContract.message("2"));
  }
}
