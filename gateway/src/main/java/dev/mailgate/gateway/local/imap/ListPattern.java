package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.store.MailboxName;

/**
 * A LIST / LSUB pattern (RFC 3501 section 6.3.8): {@code *} matches anything, {@code %} anything
 * but the hierarchy delimiter; the reference name is prefixed. Matching is a dynamic programme over
 * name and pattern, O(name x pattern) with both bounded ({@link #MAX_PATTERN}), so hostile patterns
 * of many wildcards cannot blow up like backtracking would.
 *
 * <p>INBOX is case-insensitive (RFC 3501 section 5.1), so the five letters of INBOX at the start of
 * {@code INBOX} or {@code INBOX/...} match a pattern in any case, wherever the pattern's wildcards
 * put them: {@code inbox*}, {@code Inb%} and {@code i*} all list INBOX, as Dovecot does. Other
 * names match case-sensitively.
 */
final class ListPattern {
  /** Longest reference + pattern accepted. */
  static final int MAX_PATTERN = 1024;

  private static final String INBOX = "INBOX";

  private final String pattern;

  ListPattern(String reference, String pattern) {
    String full = reference.isEmpty() || pattern.startsWith(String.valueOf(MailboxName.DELIMITER))
        && reference.endsWith(String.valueOf(MailboxName.DELIMITER))
        ? reference + pattern.substring(reference.isEmpty() ? 0 : 1)
        : reference + pattern;
    if (full.length() > MAX_PATTERN) {
      throw new IllegalArgumentException("pattern too long");
    }
    this.pattern = full;
  }

  boolean matches(String name) {
    int n = name.length();
    int m = pattern.length();
    int inboxChars = isInboxOrBelow(name) ? INBOX.length() : 0;
    boolean[] prev = new boolean[n + 1];
    boolean[] cur = new boolean[n + 1];
    prev[0] = true;
    for (int j = 1; j <= m; j++) {
      char p = pattern.charAt(j - 1);
      cur[0] = prev[0] && (p == '*' || p == '%');
      for (int i = 1; i <= n; i++) {
        char c = name.charAt(i - 1);
        if (p == '*') {
          cur[i] = prev[i] || cur[i - 1];
        } else if (p == '%') {
          cur[i] = prev[i] || (cur[i - 1] && c != MailboxName.DELIMITER);
        } else {
          cur[i] = prev[i - 1] && (c == p || i <= inboxChars && c == Character.toUpperCase(p));
        }
      }
      boolean[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[n];
  }

  private static boolean isInboxOrBelow(String name) {
    return name.startsWith(INBOX)
        && (name.length() == INBOX.length() || name.charAt(INBOX.length()) == MailboxName.DELIMITER);
  }
}
