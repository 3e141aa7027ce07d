package dev.mailgate.bench.load.report;

import java.util.Arrays;

/**
 * p50 and p99 of a set of latencies, by the nearest-rank method: the p-th percentile is the
 * smallest sample with at least p% of the samples at or below it. Empty sets have no percentiles
 * ({@link #count()} is 0 and the values are NaN). The report shows p50 and p99; p90, p99.9 and the
 * maximum go to the round's log line, to tell a tail of many slow requests from a few very slow
 * ones (one stall) when reading a p99.
 */
public record Percentiles(long count, double p50Millis, double p99Millis, double p90Millis, double p999Millis,
    double maxMillis) {

  public static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN);

  public Percentiles(long count, double p50Millis, double p99Millis) {
    this(count, p50Millis, p99Millis, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Sorts {@code nanos} in place. */
  public static Percentiles of(long[] nanos) {
    if (nanos.length == 0) {
      return NONE;
    }
    Arrays.sort(nanos);
    return new Percentiles(nanos.length, rank(nanos, 500) / 1e6, rank(nanos, 990) / 1e6, rank(nanos, 900) / 1e6,
        rank(nanos, 999) / 1e6, nanos[nanos.length - 1] / 1e6);
  }

  /** The nearest-rank percentile of sorted samples, in per mille (integer arithmetic: 99.9 is exact). */
  static long rank(long[] sorted, int perMille) {
    long r = ((long) perMille * sorted.length + 999) / 1000;
    return sorted[(int) Math.max(0, r - 1)];
  }
}
