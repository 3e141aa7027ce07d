package dev.mailgate.mailbox.sort;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The i;ascii-casemap collation of RFC 4790 section 9.2, as RFC 5256 uses it. */
class AsciiCasemapTest {
  @Test
  void asciiLettersCompareWithoutCase() {
    assertThat(AsciiCasemap.compare("apple", "APPLE")).isZero();
    assertThat(AsciiCasemap.compare("apple", "Banana")).isNegative();
    assertThat(AsciiCasemap.compare("Zebra", "apple")).isPositive();
  }

  @Test
  void nonAsciiCharactersCompareByValueWithoutCaseFolding() {
    assertThat(AsciiCasemap.compare("\u00e9", "\u00c9")).isPositive();
    assertThat(AsciiCasemap.compare("z", "\u00e9")).isNegative();
    // a supplementary character sorts after every BMP character, as its UTF-8 octets do
    assertThat(AsciiCasemap.compare("\ud83d\ude00", "\uffee")).isPositive();
  }

  @Test
  void aPrefixSortsFirstAndTheEmptyStringFirstOfAll() {
    assertThat(AsciiCasemap.compare("", "a")).isNegative();
    assertThat(AsciiCasemap.compare("abc", "ABCD")).isNegative();
    assertThat(AsciiCasemap.compare("", "")).isZero();
  }

  @Test
  void asciiSymbolsBetweenTheCasesCompareAgainstUpperCase() {
    // "_" (0x5F) is after "Z" (0x5A) and before "a" (0x61): against a letter of either case it
    // compares with the upper-case letter
    assertThat(AsciiCasemap.compare("_", "a")).isPositive();
    assertThat(AsciiCasemap.compare("_", "Z")).isPositive();
  }
}
