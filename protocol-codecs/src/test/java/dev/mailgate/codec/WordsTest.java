package dev.mailgate.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordsTest {

  @Test
  void capabilityListsSplitOnRunsOfSeparators() {
    assertThat(Words.split("  IMAP4rev1  SASL-IR AUTH=PLAIN ", " ")).containsExactly("IMAP4rev1", "SASL-IR", "AUTH=PLAIN");
    assertThat(Words.split("AUTH=PLAIN LOGIN", " =")).containsExactly("AUTH", "PLAIN", "LOGIN");
    assertThat(Words.split("", " ")).isEmpty();
    assertThat(Words.split("   ", " ")).isEmpty();
  }

  /** Differential: the same words as the regular expression it replaces, empty words dropped. */
  @Test
  void givesTheWordsOfTheRegularExpressionSplitOnRandomText() {
    Random random = new Random(20261207);
    char[] alphabet = {' ', '=', '\t', 'A', 'b', '1', '-'};
    for (int n = 0; n < 5_000; n++) {
      char[] text = new char[random.nextInt(24)];
      for (int i = 0; i < text.length; i++) {
        text[i] = alphabet[random.nextInt(alphabet.length)];
      }
      String s = new String(text);
      List<String> expected = Arrays.stream(s.split("[ =\t]+")).filter(w -> !w.isEmpty()).toList();
      assertThat(Words.split(s, " =\t")).as("'%s'", s).isEqualTo(expected);
    }
  }
}
