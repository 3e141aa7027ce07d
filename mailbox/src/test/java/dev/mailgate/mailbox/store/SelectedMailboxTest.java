package dev.mailgate.mailbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelectedMailboxTest {
  static final MailboxId BOX = new MailboxId(1);

  static MessageMeta meta(long uid) {
    return new MessageMeta(uid, 1, Flags.NONE, 10, Instant.EPOCH.atOffset(ZoneOffset.UTC), Optional.empty());
  }

  @Test
  void expungesAreReportedHighestFirstWithNumbersValidWhenSent() {
    SelectedMailbox view = new SelectedMailbox(List.of(meta(3), meta(5), meta(7), meta(9)), 4);
    SelectedMailbox.Update u = view.apply(new MailboxEvent.Expunged(BOX, List.of(5L, 9L), 6));
    assertThat(u).isEqualTo(new SelectedMailbox.Expunged(List.of(4, 2), List.of(9L, 5L)));
    assertThat(view.uids()).containsExactly(3, 7);
    assertThat(view.msn(7)).isEqualTo(2);
    assertThat(view.highestModSeq()).isEqualTo(6);
  }

  @Test
  void additionsGrowExistsAndEventsAlreadyInTheSnapshotAreIgnored() {
    SelectedMailbox view = new SelectedMailbox(List.of(meta(1)), 2);
    assertThat(view.apply(new MailboxEvent.Added(BOX, 1, 2, Flags.NONE))).isNull();
    assertThat(view.apply(new MailboxEvent.Added(BOX, 2, 3, Flags.NONE))).isEqualTo(new SelectedMailbox.Exists(2));
    assertThat(view.apply(new MailboxEvent.Expunged(BOX, List.of(42L), 4))).isNull();
    assertThat(view.apply(new MailboxEvent.FlagsChanged(BOX, 2, Flags.of(SystemFlag.SEEN), 5)))
        .isEqualTo(new SelectedMailbox.FlagsChanged(2, 2, Flags.of(SystemFlag.SEEN), 5));
    for (long uid = 3; uid < 100; uid++) {
      view.apply(new MailboxEvent.Added(BOX, uid, 5 + uid, Flags.NONE));
    }
    assertThat(view.exists()).isEqualTo(99);
    assertThat(view.uid(99)).isEqualTo(99);
  }
}
