package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListPatternTest {
  @Test
  void starMatchesAcrossLevelsAndPercentStopsAtTheDelimiter() {
    assertThat(new ListPattern("", "*").matches("a/b/c")).isTrue();
    assertThat(new ListPattern("", "%").matches("a/b")).isFalse();
    assertThat(new ListPattern("", "%").matches("a")).isTrue();
    assertThat(new ListPattern("", "a/%").matches("a/b")).isTrue();
    assertThat(new ListPattern("", "a/%").matches("a/b/c")).isFalse();
    assertThat(new ListPattern("", "a*c").matches("abbbc")).isTrue();
    assertThat(new ListPattern("", "a*c").matches("abbbd")).isFalse();
  }

  @Test
  void referenceIsPrefixedAndInboxMatchesInAnyCase() {
    assertThat(new ListPattern("Projects/", "*").matches("Projects/2026")).isTrue();
    assertThat(new ListPattern("Projects/", "*").matches("Other")).isFalse();
    assertThat(new ListPattern("", "inbox").matches("INBOX")).isTrue();
    assertThat(new ListPattern("", "Inbox/%").matches("INBOX/sub")).isTrue();
  }

  @Test
  void inboxMatchesWildcardPatternsInAnyCase() {
    // Thunderbird and others send LIST "" "inbox*"; Dovecot lists INBOX and its children.
    assertThat(new ListPattern("", "inbox*").matches("INBOX")).isTrue();
    assertThat(new ListPattern("", "inbox*").matches("INBOX/sub")).isTrue();
    assertThat(new ListPattern("", "Inb%").matches("INBOX")).isTrue();
    assertThat(new ListPattern("", "i*").matches("INBOX/sub")).isTrue();
    assertThat(new ListPattern("inbox/", "%").matches("INBOX/sub")).isTrue();
    // only the INBOX part is case-insensitive
    assertThat(new ListPattern("", "inbox/SUB").matches("INBOX/sub")).isFalse();
    assertThat(new ListPattern("", "inbox*").matches("INBOXES")).isFalse();
    assertThat(new ListPattern("", "i*").matches("Inside")).isFalse();
  }

  @Test
  void manyWildcardsStayCheap() {
    String pattern = "*%".repeat(200) + "x";
    String name = "a".repeat(500);
    long start = System.nanoTime();
    assertThat(new ListPattern("", pattern).matches(name)).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
  }

  @Test
  void overlongPatternsAreRefused() {
    assertThatThrownBy(() -> new ListPattern("", "x".repeat(ListPattern.MAX_PATTERN + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
