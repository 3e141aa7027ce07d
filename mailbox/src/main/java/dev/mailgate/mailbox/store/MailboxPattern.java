package dev.mailgate.mailbox.store;

import java.util.Locale;

/**
 * LIST / LSUB mailbox patterns (RFC 3501 section 6.3.8): {@code *} matches any characters,
 * {@code %} any characters except the hierarchy delimiter. The session joins reference and
 * pattern before calling {@link #of}. A leading "INBOX" matches case-insensitively. Matching is a
 * dynamic programme over pattern x name, so no pattern can make it exponential. Limit: patterns of
 * at most {@link MailboxName#MAX_LENGTH} characters.
 */
public final class MailboxPattern {
  private final String pattern;

  private MailboxPattern(String pattern) {
    this.pattern = pattern;
  }

  public static MailboxPattern of(String pattern) {
    if (pattern.length() > MailboxName.MAX_LENGTH) {
      throw new IllegalArgumentException("pattern too long");
    }
    return new MailboxPattern(normaliseInbox(pattern));
  }

  public boolean matches(MailboxName name) {
    String n = name.value();
    int p = pattern.length();
    // can[j]: pattern prefix of length i matches name prefix of length j
    boolean[] can = new boolean[n.length() + 1];
    can[0] = true;
    for (int i = 0; i < p; i++) {
      char pc = pattern.charAt(i);
      boolean[] next = new boolean[n.length() + 1];
      if (pc == '*' || pc == '%') {
        boolean reach = false;
        for (int j = 0; j <= n.length(); j++) {
          if (j > 0 && pc == '%' && n.charAt(j - 1) == MailboxName.DELIMITER) {
            reach = false; // % never crosses a delimiter
          }
          reach |= can[j];
          next[j] = reach;
        }
      } else {
        for (int j = 1; j <= n.length(); j++) {
          next[j] = can[j - 1] && n.charAt(j - 1) == pc;
        }
      }
      can = next;
    }
    return can[n.length()];
  }

  private static String normaliseInbox(String p) {
    if (p.length() >= 5 && p.substring(0, 5).toUpperCase(Locale.ROOT).equals("INBOX")
        && (p.length() == 5 || p.charAt(5) == MailboxName.DELIMITER)) {
      return "INBOX" + p.substring(5);
    }
    return p;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
