package dev.mailgate.mailbox.sort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of SORT (RFC 5256 section 3): by each criterion in turn, strings under
 * i;ascii-casemap ({@link AsciiCasemap}), and messages equal under every criterion in the order
 * they appear in the mailbox (by sequence number, that is by UID), whatever REVERSE said.
 */
public final class MessageSorter {
  private MessageSorter() {}

  /** The messages in SORT order; {@code criteria} must not be empty. */
  public static List<SortMessage> sort(List<SortMessage> messages, List<SortCriterion> criteria) {
    if (criteria.isEmpty()) {
      throw new IllegalArgumentException("no sort criteria");
    }
    Comparator<SortMessage> order = null;
    for (SortCriterion c : criteria) {
      Comparator<SortMessage> key = comparator(c.key());
      if (c.reverse()) {
        key = key.reversed();
      }
      order = order == null ? key : order.thenComparing(key);
    }
    order = order.thenComparingLong(SortMessage::uid);
    List<SortMessage> sorted = new ArrayList<>(messages);
    sorted.sort(order);
    return sorted;
  }

  static Comparator<SortMessage> comparator(SortCriterion.Key key) {
    return switch (key) {
      case ARRIVAL -> Comparator.comparing(SortMessage::arrival);
      case DATE -> Comparator.comparing(SortMessage::sent);
      case SIZE -> Comparator.comparingLong(SortMessage::size);
      case SUBJECT -> Comparator.comparing(SortMessage::subject, AsciiCasemap.ORDER);
      case FROM -> Comparator.comparing(SortMessage::from, AsciiCasemap.ORDER);
      case TO -> Comparator.comparing(SortMessage::to, AsciiCasemap.ORDER);
      case CC -> Comparator.comparing(SortMessage::cc, AsciiCasemap.ORDER);
      case DISPLAYFROM -> Comparator.comparing(SortMessage::displayFrom, AsciiCasemap.ORDER);
      case DISPLAYTO -> Comparator.comparing(SortMessage::displayTo, AsciiCasemap.ORDER);
    };
  }
}
