package dev.mailgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineHeadTest {

  private static LineHead head(String line) {
    LineHead h = new LineHead();
    for (byte b : line.getBytes(StandardCharsets.ISO_8859_1)) {
      h.add(b);
    }
    return h;
  }

  @Test
  void wordIsAnswersAsWordEqualsForEveryWordOfTheLine() {
    String[] lines = {"a1 logout\r\n", "A1 LOGOUT", "done\r\n", "* 3 EXISTS", "+ idling", "a2  Idle ", "",
        "x \u00e9dle", "tag IDLEX", "tag IDL"};
    String[] words = {"LOGOUT", "DONE", "IDLE", "*", "+", "A1", "EXISTS", "", "\u00c9DLE"};
    for (String line : lines) {
      LineHead h = head(line);
      for (int index = 0; index < 4; index++) {
        for (String w : words) {
          assertThat(h.wordIs(index, w)).as("%s word %d is %s", line, index, w).isEqualTo(h.word(index).equals(w));
        }
      }
    }
  }

  @Test
  void wordIsIgnoresTheCaseOfTheLine() {
    assertThat(head("a1 LoGoUt\r\n").wordIs(1, "LOGOUT")).isTrue();
    assertThat(head("DoNe\r\n").wordIs(0, "DONE")).isTrue();
    assertThat(head("a1 LOGOUTS\r\n").wordIs(1, "LOGOUT")).isFalse();
  }

  @Test
  void hasWordAnswersAsWordIsNotEmpty() {
    String[] lines = {"LIST\r\n", "LIST 1\r\n", "UIDL  \r\n", "uidl  3", "", "  ", "RETR 1 2"};
    for (String line : lines) {
      LineHead h = head(line);
      for (int index = 0; index < 4; index++) {
        assertThat(h.hasWord(index)).as("%s has word %d", line, index).isEqualTo(!h.word(index).isEmpty());
      }
    }
  }
}
