package dev.mailgate.mailbox.sort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * THREAD=ORDEREDSUBJECT (RFC 5256 section 3): the messages sorted by base subject and then by sent
 * date; each run of one base subject (under i;ascii-casemap) is a thread whose first message is
 * the parent of all the others; the threads in the order of their first messages' sent dates.
 * Equal dates fall back on the order in the mailbox (the UID). Flat: no recursion, no depth.
 */
public final class OrderedSubjectThreader {
  private static final Comparator<ThreadMessage> BY_DATE =
      Comparator.comparing(ThreadMessage::sent).thenComparingLong(ThreadMessage::uid);

  private OrderedSubjectThreader() {}

  public static List<ThreadNode> thread(List<ThreadMessage> messages) {
    List<ThreadMessage> sorted = new ArrayList<>(messages);
    sorted.sort(Comparator.comparing((ThreadMessage m) -> m.subject().text(), AsciiCasemap.ORDER)
        .thenComparing(BY_DATE));
    List<ThreadMessage> firsts = new ArrayList<>();
    List<List<ThreadNode>> replies = new ArrayList<>();
    String current = null;
    for (ThreadMessage m : sorted) {
      String key = m.subject().key();
      if (!key.equals(current)) {
        current = key;
        firsts.add(m);
        replies.add(new ArrayList<>());
      } else {
        replies.get(replies.size() - 1).add(new ThreadNode(m.uid(), new ArrayList<>()));
      }
    }
    List<Integer> order = new ArrayList<>(firsts.size());
    for (int i = 0; i < firsts.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(firsts::get, BY_DATE));
    List<ThreadNode> threads = new ArrayList<>(firsts.size());
    for (int i : order) {
      threads.add(new ThreadNode(firsts.get(i).uid(), replies.get(i)));
    }
    return threads;
  }
}
