package dev.mailgate.mailbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxPatternTest {
  static boolean m(String pattern, String name) {
    return MailboxPattern.of(pattern).matches(MailboxName.of(name));
  }

  @Test
  void starCrossesLevelsPercentDoesNot() {
    assertThat(m("*", "a/b/c")).isTrue();
    assertThat(m("%", "a")).isTrue();
    assertThat(m("%", "a/b")).isFalse();
    assertThat(m("a/%", "a/b")).isTrue();
    assertThat(m("a/%", "a/b/c")).isFalse();
    assertThat(m("a/*", "a/b/c")).isTrue();
    assertThat(m("a*c", "a/b/c")).isTrue();
    assertThat(m("a%c", "a/b/c")).isFalse();
    assertThat(m("a%", "abc")).isTrue();
    assertThat(m("Sent", "Sent")).isTrue();
    assertThat(m("sent", "Sent")).isFalse();
  }

  @Test
  void inboxMatchesCaseInsensitively() {
    assertThat(m("inbox", "INBOX")).isTrue();
    assertThat(m("Inbox/%", "INBOX/x")).isTrue();
    assertThat(m("inboxes", "inboxes")).isTrue();
  }

  @Test
  void pathologicalPatternsStayFast() {
    String name = "a".repeat(400) + "b";
    long t0 = System.nanoTime();
    assertThat(m("*a*a*a*a*a*a*a*a*a*a*a*a*c", name)).isFalse();
    assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
  }
}
