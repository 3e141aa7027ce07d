package dev.mailgate.codec.imap;

import java.util.Arrays;

/**
 * An IMAP sequence set (RFC 9051 section 9 {@code sequence-set}): ranges of message sequence
 * numbers or UIDs, {@code *} for the largest one in use, or {@code $} for the saved search result
 * (RFC 5182). Stored compactly as pairs in one {@code long[]}; {@code *} is {@link #STAR}. Ranges
 * keep the order and direction the client wrote ({@code 4:2} means 2 to 4).
 */
public final class SequenceSet {
  /** Stands for {@code *}: the largest number in use. */
  public static final long STAR = Long.MAX_VALUE;
  /** The {@code $} reference to the last saved search result. */
  public static final SequenceSet SAVED = new SequenceSet(new long[0], true);

  private final long[] ranges;
  private final boolean saved;

  private SequenceSet(long[] ranges, boolean saved) {
    this.ranges = ranges;
    this.saved = saved;
  }

  /** A set of single numbers. */
  public static SequenceSet of(long... numbers) {
    long[] r = new long[numbers.length * 2];
    for (int i = 0; i < numbers.length; i++) {
      check(numbers[i]);
      r[2 * i] = numbers[i];
      r[2 * i + 1] = numbers[i];
    }
    return new SequenceSet(r, false);
  }

  /** One range {@code low:high}; either end may be {@link #STAR}. */
  public static SequenceSet range(long low, long high) {
    check(low);
    check(high);
    return new SequenceSet(new long[] {low, high}, false);
  }

  /** Several ranges given as pairs {@code low0, high0, low1, high1...}. */
  public static SequenceSet ranges(long... pairs) {
    if (pairs.length % 2 != 0 || pairs.length == 0) {
      throw new IllegalArgumentException("ranges come in pairs");
    }
    for (long p : pairs) {
      check(p);
    }
    return new SequenceSet(pairs.clone(), false);
  }

  private static void check(long n) {
    if (n != STAR && (n < 1 || n > 0xffffffffL)) {
      throw new IllegalArgumentException("sequence number out of range: " + n);
    }
  }

  /** Parses {@code sequence-set} or {@code $} at the reader's cursor. */
  static SequenceSet parse(ImapReader r) {
    if (r.tryChar('$')) {
      return SAVED;
    }
    long[] buf = new long[8];
    int n = 0;
    do {
      long low = seqNumber(r);
      long high = low;
      if (r.tryChar(':')) {
        high = seqNumber(r);
      }
      if (n == buf.length) {
        r.checkCount(n);
        buf = Arrays.copyOf(buf, n * 2);
      }
      buf[n++] = low;
      buf[n++] = high;
      r.checkCount(n / 2);
    } while (r.tryChar(','));
    return new SequenceSet(Arrays.copyOf(buf, n), false);
  }

  private static long seqNumber(ImapReader r) {
    if (r.tryChar('*')) {
      return STAR;
    }
    return r.nzNumber();
  }

  public boolean saved() {
    return saved;
  }

  public int rangeCount() {
    return ranges.length / 2;
  }

  /** Lower end of range {@code i} as written (may be {@link #STAR}). */
  public long low(int i) {
    return ranges[2 * i];
  }

  public long high(int i) {
    return ranges[2 * i + 1];
  }

  /** Whether {@code n} is in the set when {@code *} means {@code largest}. */
  public boolean contains(long n, long largest) {
    if (saved) {
      throw new IllegalStateException("$ must be resolved against the saved result");
    }
    for (int i = 0; i < ranges.length; i += 2) {
      long a = ranges[i] == STAR ? largest : ranges[i];
      long b = ranges[i + 1] == STAR ? largest : ranges[i + 1];
      if (n >= Math.min(a, b) && n <= Math.max(a, b)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequenceSet s && s.saved == saved && Arrays.equals(s.ranges, ranges);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ranges) * 31 + (saved ? 1 : 0);
  }

  /** The wire form, e.g. {@code 1:4,7,9:*}. */
  @Override
  public String toString() {
    if (saved) {
      return "$";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ranges.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      append(sb, ranges[i]);
      if (ranges[i + 1] != ranges[i]) {
        sb.append(':');
        append(sb, ranges[i + 1]);
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, long n) {
    if (n == STAR) {
      sb.append('*');
    } else {
      sb.append(n);
    }
  }
}
