package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A mailbox holds at most {@link Flags#MAX_KEYWORDS} distinct keywords, on every path that brings
 * one in (APPEND, COPY, MOVE, STORE), checked inside the store's transaction so that two sessions
 * or two nodes cannot both take the last place. A refusal is {@code TOO_MANY_KEYWORDS} (IMAP
 * {@code NO [LIMIT]}, RFC 5530 section 3: "the number of flags used in a mailbox") and changes
 * nothing. Keywords no message carries any more do not count.
 */
public interface KeywordLimitContract extends MailStoreContract {

  /** Keywords {@code prefix0 .. prefix(n-1)}. */
  static Set<String> keywords(String prefix, int n) {
    Set<String> k = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < n; i++) {
      k.add(prefix + i);
    }
    return k;
  }

  /** INBOX of a new user, its message 1 carrying {@code n} keywords k0.. */
  private MailboxId inboxWith(String user, int n) {
    MailboxId inbox = inbox(user);
    append(inbox, MailStoreContract.message("full"), new Flags(Set.of(), keywords("k", n)));
    return inbox;
  }

  private Flags flagsOf(MailboxId box, long uid) {
    return store().messages(box, UidSet.of(uid)).blockFirst(TIMEOUT).flags();
  }

  private static void assertTooManyKeywords(Throwable e) {
    assertThat(e).isInstanceOfSatisfying(MailStoreException.class,
        m -> assertThat(m.reason()).isEqualTo(MailStoreException.Reason.TOO_MANY_KEYWORDS));
  }

  @Test
  default void appendOfANewKeywordToAFullMailboxIsRefused() {
    String user = newUser();
    MailboxId inbox = inboxWith(user, Flags.MAX_KEYWORDS);
    assertThatThrownBy(() -> append(inbox, MailStoreContract.message("x"),
        new Flags(Set.of(), Set.of("one-too-many"))))
        .satisfies(KeywordLimitContract::assertTooManyKeywords);
    assertThat(box(user, "INBOX").messages()).isEqualTo(1);
    // keywords already in the mailbox still go, whatever their case
    append(inbox, MailStoreContract.message("y"), new Flags(Set.of(), Set.of("K7", "k8")));
    assertThat(box(user, "INBOX").messages()).isEqualTo(2);
  }

  @Test
  default void copyAndMoveThatWouldOverfillTheTargetAreRefusedWhole() {
    String user = newUser();
    MailboxId inbox = inboxWith(user, Flags.MAX_KEYWORDS);
    MailboxId other = store().create(user, MailboxName.of("Other"), Set.of()).block(TIMEOUT).id();
    append(other, MailStoreContract.message("plain"));
    append(other, MailStoreContract.message("labelled"), new Flags(Set.of(), Set.of("$Label9")));
    assertThatThrownBy(() -> store().copy(other, UidSet.all(), inbox).block(TIMEOUT))
        .satisfies(KeywordLimitContract::assertTooManyKeywords);
    assertThatThrownBy(() -> store().move(other, UidSet.all(), inbox).block(TIMEOUT))
        .satisfies(KeywordLimitContract::assertTooManyKeywords);
    assertThat(box(user, "INBOX").messages()).isEqualTo(1);
    assertThat(box(user, "Other").messages()).isEqualTo(2);
    // a copy the mailbox has room for still goes
    store().copy(other, UidSet.of(1), inbox).block(TIMEOUT);
    assertThat(box(user, "INBOX").messages()).isEqualTo(2);
  }

  @Test
  default void storeOfANewKeywordIsRefusedAtTheLimitWhoeverAsks() {
    String user = newUser();
    MailboxId inbox = inboxWith(user, Flags.MAX_KEYWORDS);
    long second = append(inbox, MailStoreContract.message("second")).uid();
    assertThatThrownBy(() -> store().store(inbox, UidSet.of(second),
        FlagUpdate.add(new Flags(Set.of(SystemFlag.SEEN), Set.of("one-too-many")))).block(TIMEOUT))
        .satisfies(KeywordLimitContract::assertTooManyKeywords);
    assertThatThrownBy(() -> store().store(inbox, UidSet.of(second),
        FlagUpdate.replace(new Flags(Set.of(), Set.of("one-too-many")))).block(TIMEOUT))
        .satisfies(KeywordLimitContract::assertTooManyKeywords);
    assertThat(flagsOf(inbox, second)).isEqualTo(Flags.NONE);
    store().store(inbox, UidSet.of(second), FlagUpdate.add(new Flags(Set.of(), Set.of("k1"))))
        .block(TIMEOUT);
    assertThat(flagsOf(inbox, second).hasKeyword("k1")).isTrue();
  }

  @Test
  default void keywordsNoMessageCarriesAnyMoreFreeTheirPlace() {
    String user = newUser();
    MailboxId inbox = inboxWith(user, Flags.MAX_KEYWORDS);
    store().store(inbox, UidSet.of(1), FlagUpdate.remove(new Flags(Set.of(), Set.of("k0"))))
        .block(TIMEOUT);
    append(inbox, MailStoreContract.message("new"), new Flags(Set.of(), Set.of("fresh")));
    store().store(inbox, UidSet.all(), FlagUpdate.add(Flags.of(SystemFlag.DELETED))).block(TIMEOUT);
    store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    append(inbox, MailStoreContract.message("after"), new Flags(Set.of(), keywords("n", Flags.MAX_KEYWORDS)));
    assertThat(box(user, "INBOX").messages()).isEqualTo(1);
  }

  @Test
  default void concurrentWritersCannotBothTakeTheLastPlace() {
    String user = newUser();
    MailboxId inbox = inboxWith(user, Flags.MAX_KEYWORDS - 1);
    long second = append(inbox, MailStoreContract.message("second")).uid();
    int writers = 8;
    List<Boolean> outcomes = Flux.range(0, writers)
        .flatMap(i -> (i % 2 == 0
            ? store().store(inbox, UidSet.of(second),
                FlagUpdate.add(new Flags(Set.of(), Set.of("last" + i)))).then(Mono.just(true))
            : store().append(inbox, new AppendRequest(new Flags(Set.of(), Set.of("last" + i)),
                OffsetDateTime.now(), -1), Flux.just(ByteBuffer.wrap(MailStoreContract.message("m" + i)
                    .getBytes(StandardCharsets.UTF_8)))).then(Mono.just(true)))
            .onErrorResume(MailStoreException.class, e -> {
              assertTooManyKeywords(e);
              return Mono.just(false);
            }), writers)
        .collectList().block(TIMEOUT);
    assertThat(outcomes).containsOnlyOnce(true);
    Set<String> inUse = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    store().messages(inbox, UidSet.all()).doOnNext(m -> inUse.addAll(m.flags().keywords()))
        .blockLast(TIMEOUT);
    assertThat(inUse).hasSize(Flags.MAX_KEYWORDS);
  }
}
