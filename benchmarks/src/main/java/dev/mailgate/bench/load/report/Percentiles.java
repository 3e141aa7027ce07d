package dev.mailgate.bench.load.report;

import java.util.Arrays;

/**
 * p50 and p99 of a set of latencies, by the nearest-rank method: the p-th percentile is the
 * smallest sample with at least p% of the samples at or below it. Empty sets have no percentiles
 * ({@link #count()} is 0 and both values are NaN).
 */
public record Percentiles(long count, double p50Millis, double p99Millis) {

  public static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN);

  /** Sorts {@code nanos} in place. */
  public static Percentiles of(long[] nanos) {
    if (nanos.length == 0) {
      return NONE;
    }
    Arrays.sort(nanos);
    return new Percentiles(nanos.length, rank(nanos, 50) / 1e6, rank(nanos, 99) / 1e6);
  }

  /** The nearest-rank percentile of sorted samples. */
  static long rank(long[] sorted, int percent) {
    int r = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, r - 1)];
  }
}
