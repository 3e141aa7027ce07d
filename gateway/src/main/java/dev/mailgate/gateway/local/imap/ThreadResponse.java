package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.sort.ThreadNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The THREAD response (RFC 5256 section 4): {@code * THREAD (2)(3 6 (4 23)(44 7 96))}. A message
 * with one reply is followed by it in the same list, one with several by a list per reply; a dummy
 * writes no number of its own. Written with an explicit stack: a thread may be thousands of
 * messages deep. The line is as long as the mailbox makes it, like SEARCH's.
 */
final class ThreadResponse {
  private ThreadResponse() {}

  /** @param number a message's UID to the number the client gets (UID or sequence number) */
  static String line(List<ThreadNode> threads, LongUnaryOperator number) {
    StringBuilder sb = new StringBuilder("* THREAD");
    if (!threads.isEmpty()) {
      sb.append(' ');
    }
    Deque<Object> work = new ArrayDeque<>();
    for (int i = threads.size() - 1; i >= 0; i--) {
      push(work, threads.get(i));
    }
    while (!work.isEmpty()) {
      Object next = work.pop();
      if (next instanceof String s) {
        sb.append(s);
        continue;
      }
      ThreadNode n = (ThreadNode) next;
      boolean wrote = false;
      for (;;) {
        if (!n.isDummy()) {
          sb.append(wrote ? " " : "").append(number.applyAsLong(n.uid()));
          wrote = true;
        }
        List<ThreadNode> children = n.children();
        if (children.size() == 1) {
          n = children.get(0); // thread-members: a single reply continues the list
          continue;
        }
        if (children.size() > 1) {
          sb.append(wrote ? " " : ""); // thread-nested: one list per reply
          for (int i = children.size() - 1; i >= 0; i--) {
            push(work, children.get(i));
          }
        }
        break;
      }
    }
    return sb.toString();
  }

  /** Queues "(" node ")" (pushed in reverse: the stack pops them in order). */
  private static void push(Deque<Object> work, ThreadNode n) {
    work.push(")");
    work.push(n);
    work.push("(");
  }
}
