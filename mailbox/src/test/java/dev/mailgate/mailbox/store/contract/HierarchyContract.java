package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SpecialUse;
import dev.mailgate.mailbox.store.UidSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** CREATE, DELETE, RENAME, SUBSCRIBE (RFC 3501 sections 6.3.3-6.3.7) and SPECIAL-USE (RFC 6154). */
public interface HierarchyContract extends MailStoreContract {

  @Test
  default void newUserHasInboxAndOneSubscribedMailboxPerSpecialUse() {
    String user = newUser();
    Map<String, Optional<SpecialUse>> boxes = store().mailboxes(user).collectList().block(TIMEOUT)
        .stream().collect(Collectors.toMap(b -> b.name().value(), MailboxInfo::specialUse));
    assertThat(boxes).containsEntry("INBOX", Optional.empty())
        .containsEntry("Sent", Optional.of(SpecialUse.SENT))
        .containsEntry("Drafts", Optional.of(SpecialUse.DRAFTS))
        .containsEntry("Trash", Optional.of(SpecialUse.TRASH))
        .containsEntry("Junk", Optional.of(SpecialUse.JUNK))
        .containsEntry("Archive", Optional.of(SpecialUse.ARCHIVE));
    assertThat(store().subscriptions(user).map(MailboxName::value).collectList().block(TIMEOUT))
        .contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
  }

  @Test
  default void inboxIsCaseInsensitive() {
    String user = newUser();
    assertThat(store().mailbox(user, MailboxName.of("inBox")).block(TIMEOUT).name()).isEqualTo(MailboxName.INBOX);
  }

  @Test
  default void createMakesMissingSuperiorsNoselectPlaceholdersAndCreateOfOneMakesItReal() {
    String user = newUser();
    store().create(user, MailboxName.of("a/b/c"), Set.of()).block(TIMEOUT);
    for (String superior : List.of("a", "a/b")) {
      assertThat(box(user, superior).selectable()).as(superior).isFalse();
      assertThat(box(user, superior).hasChildren()).as(superior).isTrue();
    }
    assertThat(box(user, "a/b/c").selectable()).isTrue();
    MailboxInfo made = store().create(user, MailboxName.of("a/b"), Set.of()).block(TIMEOUT);
    assertThat(made.selectable()).isTrue();
    assertThat(box(user, "a").selectable()).isFalse();
    assertThatThrownBy(() -> store().create(user, MailboxName.of("a/b"), Set.of()).block(TIMEOUT))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.ALREADY_EXISTS));
  }

  @Test
  default void aPlaceholderLeftWithoutChildrenDisappearsButARealSuperiorStays() {
    String user = newUser();
    store().create(user, MailboxName.of("q/r/s"), Set.of()).block(TIMEOUT);
    store().create(user, MailboxName.of("q/r"), Set.of()).block(TIMEOUT);
    store().create(user, MailboxName.of("q/r/s/t"), Set.of()).block(TIMEOUT);
    store().delete(user, MailboxName.of("q/r/s/t")).block(TIMEOUT);
    assertThat(box(user, "q/r/s").selectable()).isTrue();
    store().delete(user, MailboxName.of("q/r/s")).block(TIMEOUT);
    assertThat(names(user)).contains("q/r").doesNotContain("q/r/s");
    store().delete(user, MailboxName.of("q/r")).block(TIMEOUT);
    assertThat(names(user)).doesNotContain("q", "q/r");
  }

  @Test
  default void renameLeavesNoPlaceholderBehindAndMakesTheNewSuperiorsPlaceholders() {
    String user = newUser();
    store().create(user, MailboxName.of("rr/s/t"), Set.of()).block(TIMEOUT);
    store().rename(user, MailboxName.of("rr/s/t"), MailboxName.of("zz/y/t")).block(TIMEOUT);
    assertThat(names(user)).contains("zz", "zz/y", "zz/y/t").doesNotContain("rr", "rr/s");
    assertThat(box(user, "zz").selectable()).isFalse();
    assertThat(box(user, "zz/y").selectable()).isFalse();
    assertThat(box(user, "zz/y/t").selectable()).isTrue();
  }

  @Test
  default void renameOfAPlaceholderMovesItsChildren() {
    String user = newUser();
    MailboxInfo c = store().create(user, MailboxName.of("m/n/o"), Set.of()).block(TIMEOUT);
    store().rename(user, MailboxName.of("m/n"), MailboxName.of("m/x")).block(TIMEOUT);
    assertThat(box(user, "m/x").selectable()).isFalse();
    assertThat(box(user, "m/x/o").id()).isEqualTo(c.id());
    assertThat(names(user)).doesNotContain("m/n", "m/n/o");
  }

  private List<String> names(String user) {
    return store().mailboxes(user).map(b -> b.name().value()).collectList().block(TIMEOUT);
  }

  @Test
  default void deleteOfAMailboxWithChildrenLeavesANoselectPlaceholder() {
    String user = newUser();
    store().create(user, MailboxName.of("p"), Set.of()).block(TIMEOUT);
    store().create(user, MailboxName.of("p/q"), Set.of()).block(TIMEOUT);
    append(box(user, "p").id(), MailStoreContract.message("in p"));
    store().delete(user, MailboxName.of("p")).block(TIMEOUT);
    MailboxInfo p = box(user, "p");
    assertThat(p.selectable()).isFalse();
    assertThat(p.messages()).isZero();
    assertThatThrownBy(() -> store().delete(user, MailboxName.of("p")).block(TIMEOUT))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.CANNOT));
    store().delete(user, MailboxName.of("p/q")).block(TIMEOUT);
    // the placeholder stood only for p/q, so it went with it
    assertThat(names(user)).doesNotContain("p", "p/q");
  }

  @Test
  default void deletingInboxIsRefused() {
    String user = newUser();
    assertThatThrownBy(() -> store().delete(user, MailboxName.INBOX).block(TIMEOUT))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.CANNOT));
  }

  @Test
  default void renameMovesChildrenAndKeepsUidValidityAndMessages() {
    String user = newUser();
    MailboxInfo work = store().create(user, MailboxName.of("Work/2024"), Set.of()).block(TIMEOUT);
    AppendResult a = append(work.id(), MailStoreContract.message("w"));
    store().subscribe(user, MailboxName.of("Work/2024"), true).block(TIMEOUT);
    store().rename(user, MailboxName.of("Work"), MailboxName.of("Jobs/Old")).block(TIMEOUT);
    MailboxInfo moved = box(user, "Jobs/Old/2024");
    assertThat(moved.id()).isEqualTo(work.id());
    assertThat(moved.uidValidity()).isEqualTo(work.uidValidity());
    assertThat(content(moved.id(), a.uid(), ByteRange.ALL)).isEqualTo(MailStoreContract.message("w"));
    assertThat(store().subscriptions(user).map(MailboxName::value).collectList().block(TIMEOUT))
        .contains("Jobs/Old/2024").doesNotContain("Work/2024");
    assertThatThrownBy(() -> box(user, "Work"))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.NO_SUCH_MAILBOX));
  }

  @Test
  default void renameOntoAnExistingNameOrIntoItselfIsRefused() {
    String user = newUser();
    store().create(user, MailboxName.of("x"), Set.of()).block(TIMEOUT);
    assertThatThrownBy(() -> store().rename(user, MailboxName.of("x"), MailboxName.of("Sent")).block(TIMEOUT))
        .isInstanceOf(MailStoreException.class);
    assertThatThrownBy(() -> store().rename(user, MailboxName.of("x"), MailboxName.of("x/y")).block(TIMEOUT))
        .isInstanceOf(MailStoreException.class);
  }

  @Test
  default void renamingInboxMovesItsMessagesAndLeavesInboxEmpty() {
    String user = newUser();
    MailboxInfo inboxBefore = box(user, "INBOX");
    AppendResult a = append(inboxBefore.id(), MailStoreContract.message("i1"));
    AppendResult b = append(inboxBefore.id(), MailStoreContract.message("i2"));
    store().rename(user, MailboxName.INBOX, MailboxName.of("Old Inbox")).block(TIMEOUT);
    MailboxInfo inbox = box(user, "INBOX");
    MailboxInfo old = box(user, "Old Inbox");
    assertThat(inbox.messages()).isZero();
    assertThat(old.messages()).isEqualTo(2);
    assertThat(store().messages(old.id(), UidSet.all()).map(MessageMeta::uid).collectList().block(TIMEOUT))
        .containsExactly(a.uid(), b.uid());
    assertThat(content(old.id(), b.uid(), ByteRange.ALL)).isEqualTo(MailStoreContract.message("i2"));
    // INBOX's UIDs are not reused
    MailboxId inboxId = inbox.id();
    assertThat(append(inboxId, MailStoreContract.message("new")).uid()).isGreaterThan(b.uid());
  }

  @Test
  default void subscriptionsAreKeptEvenForNamesThatDoNotExist() {
    String user = newUser();
    store().subscribe(user, MailboxName.of("Elsewhere"), true).block(TIMEOUT);
    store().subscribe(user, MailboxName.of("Junk"), false).block(TIMEOUT);
    List<String> subs = store().subscriptions(user).map(MailboxName::value).collectList().block(TIMEOUT);
    assertThat(subs).contains("Elsewhere").doesNotContain("Junk");
  }
}
