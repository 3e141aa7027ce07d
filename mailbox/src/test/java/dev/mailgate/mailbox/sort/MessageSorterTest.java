package dev.mailgate.mailbox.sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.sort.SortCriterion.Key;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SORT order of RFC 5256 section 3. */
class MessageSorterTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static SortMessage m(long uid, long size, int arrival, int sent, String subject, String from) {
    return new SortMessage(uid, size, T.plusSeconds(arrival), T.plusSeconds(sent), subject, from,
        "", "", from.toUpperCase(), "");
  }

  private static final List<SortMessage> MESSAGES = List.of(
      m(1, 300, 3, 20, "beta", "carol"),
      m(2, 100, 1, 30, "Alpha", "bob"),
      m(3, 200, 2, 10, "alpha", "Bob"),
      m(4, 100, 4, 10, "", "alice"));

  private static List<Long> sort(SortCriterion... criteria) {
    return MessageSorter.sort(MESSAGES, List.of(criteria)).stream().map(SortMessage::uid).toList();
  }

  private static SortCriterion by(Key key) {
    return new SortCriterion(key, false);
  }

  private static SortCriterion reverse(Key key) {
    return new SortCriterion(key, true);
  }

  @Test
  void eachKeyOrdersAscendingAndTiesGoByMailboxOrder() {
    assertThat(sort(by(Key.ARRIVAL))).containsExactly(2L, 3L, 1L, 4L);
    assertThat(sort(by(Key.SIZE))).containsExactly(2L, 4L, 3L, 1L);
    assertThat(sort(by(Key.DATE))).containsExactly(3L, 4L, 1L, 2L);
    assertThat(sort(by(Key.SUBJECT))).containsExactly(4L, 2L, 3L, 1L);
    assertThat(sort(by(Key.FROM))).containsExactly(4L, 2L, 3L, 1L);
  }

  @Test
  void reverseTurnsOnlyItsKeyAroundNotTheMailboxOrderOfTies() {
    assertThat(sort(reverse(Key.SIZE))).containsExactly(1L, 3L, 2L, 4L);
    assertThat(sort(reverse(Key.SUBJECT))).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void laterCriteriaBreakTiesOfEarlierOnes() {
    assertThat(sort(by(Key.SUBJECT), reverse(Key.DATE))).containsExactly(4L, 2L, 3L, 1L);
    assertThat(sort(by(Key.FROM), by(Key.SIZE))).containsExactly(4L, 2L, 3L, 1L);
    assertThat(sort(by(Key.FROM), reverse(Key.SIZE))).containsExactly(4L, 3L, 2L, 1L);
  }

  @Test
  void stringsCompareUnderAsciiCasemap() {
    assertThat(sort(by(Key.DISPLAYFROM))).containsExactly(4L, 2L, 3L, 1L);
  }

  @Test
  void sortingNeedsACriterion() {
    assertThatThrownBy(() -> MessageSorter.sort(MESSAGES, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
