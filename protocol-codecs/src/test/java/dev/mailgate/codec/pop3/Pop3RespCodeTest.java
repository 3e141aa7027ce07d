package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Pop3RespCodeTest {

  /** RFC 2449 section 8's resp-code (without the brackets), as a regular expression. */
  private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9-]+(/[A-Za-z0-9-]+)*");

  @Test
  void knownCodesAndExtensionsAreWellFormed() {
    for (Pop3RespCode c : Pop3RespCode.values()) {
      assertThat(Pop3RespCode.isWellFormed(c.wire())).as(c.wire()).isTrue();
    }
    assertThat(Pop3RespCode.isWellFormed("X-VENDOR/SUB/LEAF")).isTrue();
    assertThat(Pop3RespCode.isWellFormed("-")).isTrue();
  }

  @Test
  void emptyAtomsAndOtherCharactersAreNot() {
    for (String s : List.of("", "/", "SYS/", "/TEMP", "SYS//TEMP", "SYS TEMP", "IN_USE", "AUTH]", "ÄUTH")) {
      assertThat(Pop3RespCode.isWellFormed(s)).as("'%s'", s).isFalse();
    }
  }

  @Test
  void agreesWithTheGrammarOnEveryShortStringOfItsAlphabet() {
    char[] alphabet = {'A', 'z', '0', '-', '/', ' ', '_'};
    List<String> all = new ArrayList<>(List.of(""));
    for (int len = 1; len <= 5; len++) {
      List<String> next = new ArrayList<>();
      for (String s : all) {
        if (s.length() == len - 1) {
          for (char c : alphabet) {
            next.add(s + c);
          }
        }
      }
      all.addAll(next);
    }
    for (String s : all) {
      assertThat(Pop3RespCode.isWellFormed(s)).as("'%s'", s).isEqualTo(GRAMMAR.matcher(s).matches());
    }
  }
}
