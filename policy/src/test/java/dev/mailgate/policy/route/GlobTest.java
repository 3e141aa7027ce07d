package dev.mailgate.policy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void starAndQuestionMarkMatchWithoutCase() {
    assertThat(new Glob("*@example.org").matches("Alice@Example.ORG")).isTrue();
    assertThat(new Glob("*@example.org").matches("alice@example.org.evil")).isFalse();
    assertThat(new Glob("user?@*").matches("user1@x")).isTrue();
    assertThat(new Glob("user?@*").matches("user12@x")).isFalse();
    assertThat(new Glob("*").matches("")).isTrue();
    assertThat(new Glob("a*b*c").matches("axxbyyc")).isTrue();
    assertThat(new Glob("a*b*c").matches("axxbyy")).isFalse();
    assertThat(new Glob("x").matches(null)).isFalse();
  }

  @Test
  void hostilePatternsStayLinearEnough() {
    String text = "a".repeat(5000);
    long start = System.nanoTime();
    assertThat(new Glob("*a*a*a*a*a*a*a*b").matches(text)).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
