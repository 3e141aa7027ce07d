package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.StoreResult;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** STORE (RFC 3501 section 6.4.6) with CONDSTORE (RFC 7162 section 3.1). */
public interface FlagsContract extends MailStoreContract {

  @Test
  default void storeAddsRemovesAndReplacesFlagsAndKeywords() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    long uid = append(inbox, MailStoreContract.message("f")).uid();
    Flags seenAndWork = new Flags(EnumSet.of(SystemFlag.SEEN), Set.of("$Work"));
    store().store(inbox, UidSet.of(uid), FlagUpdate.add(seenAndWork)).block(TIMEOUT);
    assertThat(meta(inbox, uid).flags()).isEqualTo(seenAndWork);
    store().store(inbox, UidSet.of(uid), FlagUpdate.remove(Flags.of(SystemFlag.SEEN))).block(TIMEOUT);
    assertThat(meta(inbox, uid).flags()).isEqualTo(new Flags(Set.of(), Set.of("$work")));
    store().store(inbox, UidSet.of(uid), FlagUpdate.replace(Flags.of(SystemFlag.FLAGGED))).block(TIMEOUT);
    assertThat(meta(inbox, uid).flags()).isEqualTo(Flags.of(SystemFlag.FLAGGED));
  }

  @Test
  default void storeBumpsModSeqOnlyOfMessagesThatChange() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("a"), Flags.of(SystemFlag.SEEN));
    AppendResult b = append(inbox, MailStoreContract.message("b"));
    StoreResult r = store().store(inbox, UidSet.all(), FlagUpdate.add(Flags.of(SystemFlag.SEEN))).block(TIMEOUT);
    assertThat(r.updated()).extracting(StoreResult.MessageFlags::uid).containsExactly(b.uid());
    assertThat(meta(inbox, a.uid()).modSeq()).isEqualTo(a.modSeq());
    assertThat(meta(inbox, b.uid()).modSeq()).isGreaterThan(b.modSeq());
  }

  @Test
  default void storeReportsTheFlagsAndModSeqOfMessagesItLeftAsTheyWere() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("a"), Flags.of(SystemFlag.SEEN));
    store().store(inbox, UidSet.of(a.uid()), FlagUpdate.add(Flags.of(SystemFlag.FLAGGED))).block(TIMEOUT);
    MessageMeta now = meta(inbox, a.uid());
    StoreResult r = store().store(inbox, UidSet.all(), FlagUpdate.add(Flags.of(SystemFlag.SEEN))).block(TIMEOUT);
    assertThat(r.updated()).isEmpty();
    assertThat(r.unchanged()).containsExactly(new StoreResult.MessageFlags(a.uid(),
        Flags.of(SystemFlag.SEEN, SystemFlag.FLAGGED), now.modSeq()));
  }

  @Test
  default void unchangedSinceRefusesMessagesModifiedLater() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("a"));
    AppendResult b = append(inbox, MailStoreContract.message("b"));
    StoreResult r = store().store(inbox, UidSet.all(),
        FlagUpdate.add(Flags.of(SystemFlag.FLAGGED)).unchangedSince(a.modSeq())).block(TIMEOUT);
    assertThat(r.modified()).containsExactly(b.uid());
    assertThat(r.updated()).extracting(StoreResult.MessageFlags::uid).containsExactly(a.uid());
    assertThat(meta(inbox, b.uid()).flags().has(SystemFlag.FLAGGED)).isFalse();
  }

  @Test
  default void changedSinceListsOnlyMessagesChangedAfterTheModSeq() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("a"));
    AppendResult b = append(inbox, MailStoreContract.message("b"));
    long mark = b.modSeq();
    store().store(inbox, UidSet.of(a.uid()), FlagUpdate.add(Flags.of(SystemFlag.ANSWERED))).block(TIMEOUT);
    List<MessageMeta> changed = store().changedSince(inbox, mark).collectList().block(TIMEOUT);
    assertThat(changed).extracting(MessageMeta::uid).containsExactly(a.uid());
  }

  @Test
  default void mailboxInfoCountsUnseenAndDeletedMessagesAndTheirSize() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("a"), Flags.of(SystemFlag.SEEN));
    append(inbox, MailStoreContract.message("bb"), new Flags(EnumSet.of(SystemFlag.DELETED), Set.of()));
    append(inbox, MailStoreContract.message("ccc"), Flags.of(SystemFlag.DELETED));
    var info = store().mailbox(user, dev.mailgate.mailbox.store.MailboxName.INBOX).block(TIMEOUT);
    assertThat(info.messages()).isEqualTo(3);
    assertThat(info.unseen()).isEqualTo(2);
    assertThat(info.deleted()).isEqualTo(2);
    assertThat(info.bytes()).isEqualTo(MailStoreContract.message("a").length()
        + MailStoreContract.message("bb").length() + MailStoreContract.message("ccc").length());
  }

  private MessageMeta meta(MailboxId box, long uid) {
    return store().messages(box, UidSet.of(uid)).blockFirst(TIMEOUT);
  }
}
