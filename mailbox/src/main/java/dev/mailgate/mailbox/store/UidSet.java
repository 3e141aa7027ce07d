package dev.mailgate.mailbox.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A set of UIDs as ordered, disjoint, inclusive ranges (RFC 3501 sequence-set, already resolved:
 * the session replaces {@code *} by the largest UID it knows). Limit: {@link #MAX_RANGES} ranges.
 */
public record UidSet(List<Range> ranges) {
  public static final int MAX_RANGES = 4096;

  /** An inclusive range {@code low:high}, 1 &lt;= low &lt;= high. */
  public record Range(long low, long high) {
    public Range {
      if (low < 1 || high < low) {
        throw new IllegalArgumentException("bad range " + low + ":" + high);
      }
    }
  }

  public UidSet {
    ranges = normalise(ranges);
    if (ranges.size() > MAX_RANGES) {
      throw new IllegalArgumentException("more than " + MAX_RANGES + " ranges");
    }
  }

  public static UidSet all() {
    return new UidSet(List.of(new Range(1, Long.MAX_VALUE)));
  }

  public static UidSet range(long low, long high) {
    return new UidSet(List.of(new Range(low, high)));
  }

  public static UidSet of(long... uids) {
    List<Range> r = new ArrayList<>();
    for (long u : uids) {
      r.add(new Range(u, u));
    }
    return new UidSet(r);
  }

  public static UidSet of(Collection<Long> uids) {
    List<Range> r = new ArrayList<>();
    for (long u : uids) {
      r.add(new Range(u, u));
    }
    return new UidSet(r);
  }

  public boolean contains(long uid) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Range r = ranges.get(mid);
      if (uid < r.low) {
        hi = mid - 1;
      } else if (uid > r.high) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  private static List<Range> normalise(List<Range> in) {
    List<Range> sorted = new ArrayList<>(in);
    sorted.sort((a, b) -> Long.compare(a.low, b.low));
    List<Range> out = new ArrayList<>();
    for (Range r : sorted) {
      if (!out.isEmpty()) {
        Range last = out.get(out.size() - 1);
        if (r.low <= last.high + 1 && last.high != Long.MAX_VALUE || r.low <= last.high) {
          out.set(out.size() - 1, new Range(last.low, Math.max(last.high, r.high)));
          continue;
        }
      }
      out.add(r);
    }
    return List.copyOf(out);
  }
}
