package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ExpungeResult;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import org.junit.jupiter.api.Test;

/** EXPUNGE, UID EXPUNGE (RFC 4315) and the QRESYNC VANISHED record (RFC 7162 section 3.2.10). */
public interface ExpungeContract extends MailStoreContract {

  @Test
  default void expungeRemovesOnlyDeletedMessagesAndReturnsTheirUids() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult keep = append(inbox, MailStoreContract.message("keep"));
    AppendResult d1 = append(inbox, MailStoreContract.message("d1"), Flags.of(SystemFlag.DELETED));
    AppendResult d2 = append(inbox, MailStoreContract.message("d2"), Flags.of(SystemFlag.DELETED));
    ExpungeResult r = store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    assertThat(r.uids()).containsExactly(d1.uid(), d2.uid());
    assertThat(store().messages(inbox, UidSet.all()).map(MessageMeta::uid).collectList().block(TIMEOUT))
        .containsExactly(keep.uid());
  }

  @Test
  default void uidExpungeRestrictsToTheGivenSet() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult d1 = append(inbox, MailStoreContract.message("d1"), Flags.of(SystemFlag.DELETED));
    AppendResult d2 = append(inbox, MailStoreContract.message("d2"), Flags.of(SystemFlag.DELETED));
    assertThat(store().expunge(inbox, UidSet.of(d2.uid())).block(TIMEOUT).uids()).containsExactly(d2.uid());
    assertThat(store().messages(inbox, UidSet.all()).map(MessageMeta::uid).collectList().block(TIMEOUT))
        .containsExactly(d1.uid());
  }

  @Test
  default void vanishedSinceReportsUidsExpungedAfterTheModSeq() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult old = append(inbox, MailStoreContract.message("old"), Flags.of(SystemFlag.DELETED));
    ExpungeResult first = store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    AppendResult later = append(inbox, MailStoreContract.message("later"), Flags.of(SystemFlag.DELETED));
    ExpungeResult second = store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    assertThat(second.modSeq()).isGreaterThan(first.modSeq());
    assertThat(store().vanishedSince(inbox, 0).collectList().block(TIMEOUT))
        .containsExactly(old.uid(), later.uid());
    assertThat(store().vanishedSince(inbox, first.modSeq()).collectList().block(TIMEOUT))
        .containsExactly(later.uid());
    assertThat(box(user, "INBOX").highestModSeq()).isEqualTo(second.modSeq());
  }

  @Test
  default void expungingNothingChangesNothing() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("x"));
    long before = box(user, "INBOX").highestModSeq();
    assertThat(store().expunge(inbox, UidSet.all()).block(TIMEOUT).uids()).isEmpty();
    assertThat(box(user, "INBOX").highestModSeq()).isEqualTo(before);
  }
}
