package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.codec.imap.SequenceSet;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.UidSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-session sequence number to UID map across arrivals and expunges (RFC 3501 2.3.1.2). */
class SelectedMailboxTest {
  private static SelectedMailbox view(long... uids) {
    SelectedMailbox v = new SelectedMailbox(new MailboxId(1), MailboxName.INBOX, false, 7, 1);
    for (long u : uids) {
      v.add(u, Flags.NONE, 1);
    }
    return v;
  }

  @Test
  void expungesAreNumberedAsEachIsReported() {
    SelectedMailbox v = view(3, 5, 8, 9, 12);
    // RFC 3501 7.4.1: expunging messages 2, 3 and 5 is reported as 2, 2, 3.
    assertThat(v.remove(List.of(5L, 8L, 12L))).containsExactly(2, 2, 3);
    assertThat(v.count()).isEqualTo(2);
    assertThat(v.uid(1)).isEqualTo(3);
    assertThat(v.uid(2)).isEqualTo(9);
    assertThat(v.msn(9)).isEqualTo(2);
    assertThat(v.msn(5)).isZero();
  }

  @Test
  void arrivalsGrowTheViewOnlyWithHigherUids() {
    SelectedMailbox v = view(1, 2);
    assertThat(v.add(2, Flags.NONE, 5)).isFalse();
    assertThat(v.add(10, Flags.NONE, 6)).isTrue();
    assertThat(v.msn(10)).isEqualTo(3);
    assertThat(v.highestModSeq()).isEqualTo(6);
    for (long u = 11; u < 100; u++) {
      v.add(u, Flags.NONE, u);
    }
    assertThat(v.count()).isEqualTo(92);
    assertThat(v.uid(92)).isEqualTo(99);
  }

  @Test
  void sequenceSetsResolveAgainstTheView() {
    SelectedMailbox v = view(3, 5, 8, 9, 12);
    assertThat(MessageSets.resolve(v, SequenceSet.range(2, SequenceSet.STAR), false))
        .containsExactly(5, 8, 9, 12);
    assertThat(MessageSets.resolve(v, SequenceSet.range(4, 9), true)).containsExactly(5, 8, 9);
    assertThat(MessageSets.resolve(v, SequenceSet.range(SequenceSet.STAR, 10), true)).containsExactly(12);
    assertThatThrownBy(() -> MessageSets.resolve(v, SequenceSet.of(6), false))
        .isInstanceOf(MessageSets.InvalidSequence.class);
    assertThat(MessageSets.resolve(view(), SequenceSet.range(1, SequenceSet.STAR), true)).isEmpty();
  }

  @Test
  void scatteredSetsAreChunkedWithinTheStoreBound() {
    long[] uids = new long[UidSet.MAX_RANGES * 2 + 3];
    for (int i = 0; i < uids.length; i++) {
      uids[i] = 2L * i + 1;
    }
    List<UidSet> chunks = MessageSets.chunks(uids);
    assertThat(chunks).hasSize(3);
    assertThat(chunks).allSatisfy(c -> assertThat(c.ranges().size()).isLessThanOrEqualTo(UidSet.MAX_RANGES));
    assertThat(MessageSets.compact(List.of(1L, 2L, 3L, 7L, 9L, 10L))).isEqualTo("1:3,7,9:10");
  }

  @Test
  void recentIsWhatTheSessionClaimedWhetherShownYetOrNot() {
    SelectedMailbox v = view(1, 2, 3);
    v.claimRecent(2, 5); // 2 and 3 shown, 4 and 5 still to arrive
    assertThat(v.recentCount()).isEqualTo(2);
    assertThat(v.isRecent(1)).isFalse();
    v.add(5, Flags.NONE, 2);
    assertThat(v.isRecent(5)).isTrue();
    assertThat(v.recentCount()).isEqualTo(3);
    v.claimRecent(2, 6); // a later look from the same first UID does not count twice
    assertThat(v.recentCount()).isEqualTo(3);
    v.remove(List.of(3L));
    assertThat(v.recentCount()).isEqualTo(2);
  }
}
