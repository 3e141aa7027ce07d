package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 3501 section 2.3.1.1: UIDs strictly ascending, UIDVALIDITY stable, nothing reused. */
public interface UidContract extends MailStoreContract {

  @Test
  default void uidsIncreaseStrictlyAndUidNextFollows() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    long before = box(user, "INBOX").uidNext();
    AppendResult a = append(inbox, MailStoreContract.message("one"));
    AppendResult b = append(inbox, MailStoreContract.message("two"));
    assertThat(a.uid()).isGreaterThanOrEqualTo(before);
    assertThat(b.uid()).isGreaterThan(a.uid());
    MailboxInfo after = box(user, "INBOX");
    assertThat(after.uidNext()).isGreaterThan(b.uid());
    assertThat(after.uidValidity()).isEqualTo(a.uidValidity()).isEqualTo(b.uidValidity());
    assertThat(after.messages()).isEqualTo(2);
  }

  @Test
  default void uidValidityUidNextAndHighestModSeqSurviveReopen() {
    String user = newUser();
    append(inbox(user), MailStoreContract.message("persist"));
    MailboxInfo before = box(user, "INBOX");
    reopen();
    MailboxInfo after = box(user, "INBOX");
    assertThat(after.uidValidity()).isEqualTo(before.uidValidity());
    assertThat(after.uidNext()).isEqualTo(before.uidNext());
    assertThat(after.highestModSeq()).isEqualTo(before.highestModSeq());
    assertThat(after.messages()).isEqualTo(1);
  }

  @Test
  default void recreatedMailboxGetsNewUidValidity() {
    String user = newUser();
    MailboxName name = MailboxName.of("Projects");
    long first = store().create(user, name, Set.of()).block(TIMEOUT).uidValidity();
    store().delete(user, name).block(TIMEOUT);
    long second = store().create(user, name, Set.of()).block(TIMEOUT).uidValidity();
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  default void uidOfExpungedLastMessageIsNotReused() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("gone"), Flags.of(SystemFlag.DELETED));
    store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    reopen();
    AppendResult b = append(inbox, MailStoreContract.message("next"));
    assertThat(b.uid()).isGreaterThan(a.uid());
  }

  @Test
  default void appendedContentIsReadableWholeAndByRange() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    String text = MailStoreContract.message("range");
    AppendResult a = append(inbox, text);
    assertThat(content(inbox, a.uid(), ByteRange.ALL)).isEqualTo(text);
    assertThat(content(inbox, a.uid(), new ByteRange(6, 5))).isEqualTo(text.substring(6, 11));
    assertThat(content(inbox, a.uid(), new ByteRange(text.length() - 3, 100))).isEqualTo(text.substring(text.length() - 3));
    assertThat(store().messages(inbox, UidSet.of(a.uid())).blockFirst(TIMEOUT).size()).isEqualTo(text.length());
  }

  @Test
  default void appendCachesEnvelopeBodyStructureAndSentDate() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("cached"));
    MessageStructure s = store().structure(inbox, a.uid()).block(TIMEOUT);
    assertThat(s.envelope().subject()).isEqualTo("cached");
    assertThat(s.envelope().from().get(0).address()).isEqualTo("alice@example.org");
    assertThat(s.root().type()).isEqualTo("text");
    assertThat(content(inbox, a.uid(), MessageStructure.text(s.root()))).isEqualTo("Hello cached\r\n");
    assertThat(store().messages(inbox, UidSet.of(a.uid())).blockFirst(TIMEOUT).sentDate())
        // the Date: header's time as written (-0800 undone), for SENT* searches
        .contains(java.time.Instant.parse("1994-02-07T21:52:25Z"));
  }

  @Test
  default void appendSignalsOnTheStoresThreadsNotTheCallers() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    Thread caller = Thread.currentThread();
    Thread[] signalled = new Thread[1];
    store().append(inbox, dev.mailgate.mailbox.store.AppendRequest.delivery(),
            reactor.core.publisher.Flux.just(java.nio.ByteBuffer.wrap(
                MailStoreContract.message("thread").getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
        .doOnNext(r -> signalled[0] = Thread.currentThread())
        .block(TIMEOUT);
    assertThat(signalled[0]).isNotNull().isNotSameAs(caller);
  }

  @Test
  default void everyChangeRaisesHighestModSeq() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    long m0 = box(user, "INBOX").highestModSeq();
    AppendResult a = append(inbox, MailStoreContract.message("m"));
    long m1 = box(user, "INBOX").highestModSeq();
    store().store(inbox, UidSet.of(a.uid()), FlagUpdate.add(Flags.of(SystemFlag.DELETED))).block(TIMEOUT);
    long m2 = box(user, "INBOX").highestModSeq();
    store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    long m3 = box(user, "INBOX").highestModSeq();
    assertThat(a.modSeq()).isEqualTo(m1);
    assertThat(m0).isLessThan(m1);
    assertThat(m1).isLessThan(m2);
    assertThat(m2).isLessThan(m3);
  }

  @Test
  default void recentMessagesAreClaimedByOneCallerOnlyAndPeekingClaimsNothing() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    long a = append(inbox, MailStoreContract.message("a")).uid();
    long b = append(inbox, MailStoreContract.message("b")).uid();
    assertThat(store().claimRecent(inbox, 0).block(TIMEOUT)).as("a peek").isEqualTo(a);
    assertThat(store().mailbox(user, MailboxName.INBOX).block(TIMEOUT).recent()).isEqualTo(2);
    assertThat(store().claimRecent(inbox, b).block(TIMEOUT)).as("the first claim gets both").isEqualTo(a);
    assertThat(store().claimRecent(inbox, b).block(TIMEOUT)).as("a second claim gets none").isEqualTo(b + 1);
    assertThat(store().mailbox(user, MailboxName.INBOX).block(TIMEOUT).recent()).isZero();
    long c = append(inbox, MailStoreContract.message("c")).uid();
    assertThat(store().claimRecent(inbox, c).block(TIMEOUT)).isEqualTo(c);
  }
}
