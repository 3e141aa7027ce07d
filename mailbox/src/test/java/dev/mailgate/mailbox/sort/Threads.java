package dev.mailgate.mailbox.sort;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** Test helpers: messages in a few words, and threads in the wire form of RFC 5256 section 4. */
final class Threads {
  private Threads() {}

  /** Message {@code uid}, sent {@code minute} minutes after a fixed instant. */
  static ThreadMessage message(long uid, int minute, String subject, String id, String... refs) {
    return new ThreadMessage(uid, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute),
        BaseSubject.of(subject), id, Arrays.asList(refs));
  }

  /** {@code (1 2 (3)(4))...} with UIDs as numbers; small trees only (recursive). */
  static String render(List<ThreadNode> threads) {
    StringBuilder sb = new StringBuilder();
    for (ThreadNode t : threads) {
      sb.append('(');
      members(sb, t, false);
      sb.append(')');
    }
    return sb.toString();
  }

  private static void members(StringBuilder sb, ThreadNode n, boolean wrote) {
    if (!n.isDummy()) {
      sb.append(wrote ? " " : "").append(n.uid());
      wrote = true;
    }
    if (n.children().size() == 1) {
      members(sb, n.children().get(0), wrote);
    } else if (n.children().size() > 1) {
      sb.append(wrote ? " " : "");
      for (ThreadNode c : n.children()) {
        sb.append('(');
        members(sb, c, false);
        sb.append(')');
      }
    }
  }

  /** How many messages deep the deepest path of the threads is, walked without recursion. */
  static int depth(List<ThreadNode> threads) {
    int deepest = 0;
    Deque<Object[]> stack = new ArrayDeque<>();
    for (ThreadNode t : threads) {
      stack.push(new Object[] {t, 1});
    }
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      ThreadNode n = (ThreadNode) top[0];
      int d = (Integer) top[1];
      deepest = Math.max(deepest, d);
      for (ThreadNode c : n.children()) {
        stack.push(new Object[] {c, d + 1});
      }
    }
    return deepest;
  }

  /** How many messages (not dummies) the threads hold, walked without recursion. */
  static int count(List<ThreadNode> threads) {
    int n = 0;
    Deque<ThreadNode> stack = new ArrayDeque<>(threads);
    while (!stack.isEmpty()) {
      ThreadNode t = stack.pop();
      n += t.isDummy() ? 0 : 1;
      t.children().forEach(stack::push);
    }
    return n;
  }
}
