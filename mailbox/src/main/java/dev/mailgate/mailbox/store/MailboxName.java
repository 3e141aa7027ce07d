package dev.mailgate.mailbox.store;

import java.util.Locale;

/**
 * A mailbox name in the store's own form: Unicode, hierarchy levels separated by {@link
 * #DELIMITER}. The IMAP session converts modified UTF-7 (RFC 3501 section 5.1.3) or UTF-8 (RFC
 * 9051) to and from this form; the store never sees wire encodings.
 *
 * <p>"INBOX" is case-insensitive (RFC 3501 section 5.1), also as the first level of a longer name,
 * and is normalised to upper case here so that every store agrees. Limits: at most {@link
 * #MAX_LENGTH} characters, {@link #MAX_DEPTH} levels, no empty level, no control characters.
 */
public record MailboxName(String value) {
  public static final char DELIMITER = '/';
  public static final int MAX_LENGTH = 512;
  public static final int MAX_DEPTH = 32;
  public static final MailboxName INBOX = new MailboxName("INBOX");

  public MailboxName {
    value = normalise(value);
  }

  public static MailboxName of(String value) {
    return new MailboxName(value);
  }

  public boolean isInbox() {
    return value.equals("INBOX");
  }

  /** The parent name, or null for a top-level name. */
  public MailboxName parent() {
    int i = value.lastIndexOf(DELIMITER);
    return i < 0 ? null : new MailboxName(value.substring(0, i));
  }

  /** True if {@code other} is strictly below this name in the hierarchy. */
  public boolean isAncestorOf(MailboxName other) {
    return other.value.length() > value.length()
        && other.value.startsWith(value)
        && other.value.charAt(value.length()) == DELIMITER;
  }

  /** This name with the ancestor prefix {@code from} replaced by {@code to}. */
  public MailboxName reparent(MailboxName from, MailboxName to) {
    if (!from.isAncestorOf(this)) {
      throw new IllegalArgumentException(from + " is not an ancestor of " + this);
    }
    return new MailboxName(to.value + value.substring(from.value.length()));
  }

  private static String normalise(String v) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("empty mailbox name");
    }
    if (v.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("mailbox name longer than " + MAX_LENGTH);
    }
    int depth = 1;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("control character in mailbox name");
      }
      if (c == DELIMITER) {
        if (i == 0 || i == v.length() - 1 || v.charAt(i - 1) == DELIMITER) {
          throw new IllegalArgumentException("empty hierarchy level in mailbox name");
        }
        depth++;
      }
    }
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("mailbox name deeper than " + MAX_DEPTH);
    }
    int first = v.indexOf(DELIMITER);
    String head = first < 0 ? v : v.substring(0, first);
    if (head.length() == 5 && head.toUpperCase(Locale.ROOT).equals("INBOX")) {
      return "INBOX" + (first < 0 ? "" : v.substring(first));
    }
    return v;
  }

  @Override
  public String toString() {
    return value;
  }
}
