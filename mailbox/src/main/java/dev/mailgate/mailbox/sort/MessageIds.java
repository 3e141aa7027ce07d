package dev.mailgate.mailbox.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the msg-ids (RFC 5322 section 3.6.4: {@code "<" id-left "@" id-right ">"}) out of a
 * Message-ID:, In-Reply-To: or References: value, leniently: whatever stands between angle
 * brackets and holds an "@" counts, with folding white space inside removed; phrases and comments
 * around them (In-Reply-To: of old mailers) are skipped. Ids are returned without the brackets.
 */
public final class MessageIds {
  private MessageIds() {}

  /** The first msg-id of the value, or null when there is none (or the value is null). */
  public static String first(String value) {
    List<String> ids = last(value, 1, true);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /**
   * The last {@code max} msg-ids of the value, in order (References: keeps the most recent
   * ancestors at its end, so a cut keeps those); empty for null.
   */
  public static List<String> last(String value, int max) {
    return last(value, max, false);
  }

  private static List<String> last(String value, int max, boolean firstOnly) {
    if (value == null || max <= 0) {
      return List.of();
    }
    Deque<String> ids = new ArrayDeque<>();
    int i = 0;
    while (i < value.length()) {
      int open = value.indexOf('<', i);
      if (open < 0) {
        break;
      }
      int close = value.indexOf('>', open + 1);
      if (close < 0) {
        break;
      }
      int reopen = value.lastIndexOf('<', close);
      String id = strip(value, reopen + 1, close);
      i = close + 1;
      if (id.isEmpty() || id.indexOf('@') < 0) {
        continue;
      }
      if (firstOnly) {
        return List.of(id);
      }
      if (ids.size() == max) {
        ids.removeFirst();
      }
      ids.addLast(id);
    }
    return new ArrayList<>(ids);
  }

  /** The text between the brackets without white space (a folded id, RFC 5322 obs-id). */
  private static String strip(String s, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
