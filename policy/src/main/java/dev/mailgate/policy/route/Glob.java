package dev.mailgate.policy.route;

import java.util.Locale;
import java.util.Objects;

/**
 * A case-insensitive shell-style pattern over user names and domains: {@code *} matches any run of
 * characters (also empty), {@code ?} exactly one. Matching is iterative with one backtrack point,
 * so it runs in O(pattern x text) at worst and a hostile pattern cannot blow up.
 */
public record Glob(String pattern) {
  public Glob {
    Objects.requireNonNull(pattern, "pattern");
    pattern = pattern.toLowerCase(Locale.ROOT);
  }

  public boolean matches(String text) {
    if (text == null) {
      return false;
    }
    String t = text.toLowerCase(Locale.ROOT);
    int p = 0;
    int i = 0;
    int star = -1;
    int mark = 0;
    while (i < t.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == t.charAt(i))) {
        p++;
        i++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = i;
      } else if (star >= 0) {
        p = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
