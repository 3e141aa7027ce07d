package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.SequenceSet;
import dev.mailgate.mailbox.store.UidSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a client's sequence set (RFC 3501 section 9 {@code sequence-set}) against the session's
 * view: message numbers become the UIDs they show, and {@code *} becomes the largest number in
 * use. The result is chunked into {@link UidSet}s of at most {@link UidSet#MAX_RANGES} ranges so a
 * scattered selection never trips the store's bound.
 */
final class MessageSets {
  private MessageSets() {}

  /** Thrown for a message number beyond the mailbox (RFC 3501: a BAD response). */
  static final class InvalidSequence extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidSequence() {
      super("Invalid message sequence number");
    }
  }

  /**
   * The UIDs the session shows that the set names, ascending, without duplicates; {@code $} names
   * the saved search result (RFC 5182), for UID and sequence-number commands alike.
   */
  static long[] resolve(SelectedMailbox view, SequenceSet set, boolean uid) {
    if (set.saved()) {
      return view.saved();
    }
    int count = view.count();
    boolean[] picked = new boolean[count];
    for (int i = 0; i < set.rangeCount(); i++) {
      if (uid) {
        long max = view.maxUid();
        if (max == 0) {
          continue;
        }
        long a = set.low(i) == SequenceSet.STAR ? max : set.low(i);
        long b = set.high(i) == SequenceSet.STAR ? max : set.high(i);
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        int start = view.msnAtOrAfter(lo);
        for (int m = start; m <= count && view.uid(m) <= hi; m++) {
          picked[m - 1] = true;
        }
      } else {
        long a = set.low(i) == SequenceSet.STAR ? count : set.low(i);
        long b = set.high(i) == SequenceSet.STAR ? count : set.high(i);
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        if (hi > count || lo < 1) {
          throw new InvalidSequence();
        }
        for (long m = lo; m <= hi; m++) {
          picked[(int) m - 1] = true;
        }
      }
    }
    int n = 0;
    for (boolean p : picked) {
      if (p) {
        n++;
      }
    }
    long[] out = new long[n];
    int w = 0;
    for (int m = 1; m <= count; m++) {
      if (picked[m - 1]) {
        out[w++] = view.uid(m);
      }
    }
    return out;
  }

  /** Ascending UIDs as UidSets of at most {@link UidSet#MAX_RANGES} ranges each. */
  static List<UidSet> chunks(long[] ascending) {
    List<UidSet> out = new ArrayList<>();
    List<UidSet.Range> ranges = new ArrayList<>();
    int i = 0;
    while (i < ascending.length) {
      int j = i;
      while (j + 1 < ascending.length && ascending[j + 1] == ascending[j] + 1) {
        j++;
      }
      ranges.add(new UidSet.Range(ascending[i], ascending[j]));
      if (ranges.size() == UidSet.MAX_RANGES) {
        out.add(new UidSet(ranges));
        ranges = new ArrayList<>();
      }
      i = j + 1;
    }
    if (!ranges.isEmpty()) {
      out.add(new UidSet(ranges));
    }
    return out;
  }

  /** The compact wire form of ascending UIDs ({@code 1:3,7}); empty string for none. */
  static String compact(List<Long> ascending) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < ascending.size()) {
      int j = i;
      while (j + 1 < ascending.size() && ascending.get(j + 1) == ascending.get(j) + 1) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(ascending.get(i));
      if (j > i) {
        sb.append(':').append(ascending.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }

  /** Wire form of UIDs in the order given (COPYUID keeps source/destination pairs aligned). */
  static String ordered(List<Long> uids) {
    StringBuilder sb = new StringBuilder();
    for (Long u : uids) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(u);
    }
    return sb.toString();
  }
}
