package dev.mailgate.mailbox.sort;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The msg-ids of Message-ID:, In-Reply-To: and References: values, leniently and bounded. */
class MessageIdsTest {
  @Test
  void readsEveryIdOfAReferencesFieldInOrderWithoutBrackets() {
    assertThat(MessageIds.last("<a@x> <b@x>\t<c@x>", 10)).containsExactly("a@x", "b@x", "c@x");
  }

  @Test
  void keepsOnlyTheLastIdsWhenThereAreMoreThanTheLimit() {
    assertThat(MessageIds.last("<a@x> <b@x> <c@x>", 2)).containsExactly("b@x", "c@x");
  }

  @Test
  void theFirstIdOfAnOldStyleInReplyToSkipsThePhraseAround() {
    assertThat(MessageIds.first("Fred's message of Mon, 7 Feb 1994 <B27397-0100000@Blurdybloop.example>"))
        .isEqualTo("B27397-0100000@Blurdybloop.example");
  }

  @Test
  void bracketsWithoutAnAtSignAreNotIds() {
    assertThat(MessageIds.first("<not-an-id> <yes@x>")).isEqualTo("yes@x");
    assertThat(MessageIds.last("<> <<<>>>", 10)).isEmpty();
    assertThat(MessageIds.first("no ids here")).isNull();
    assertThat(MessageIds.first(null)).isNull();
  }

  @Test
  void foldingWhiteSpaceInsideAnIdIsRemoved() {
    assertThat(MessageIds.first("<part1@\r\n example.org>")).isEqualTo("part1@example.org");
  }

  @Test
  void anUnclosedBracketEndsTheList() {
    assertThat(MessageIds.last("<a@x> <b@x", 10)).containsExactly("a@x");
  }

  @Test
  void idsAreKeptWithTheirCase() {
    assertThat(MessageIds.first("<ABC@Example.ORG>")).isEqualTo("ABC@Example.ORG");
  }
}
