package dev.mailgate.bench.load.report;

import java.util.Arrays;

/**
 * Collects latencies (nanoseconds) from the client's event loops; bounded, so a long run keeps the
 * first {@link #CAPACITY} samples rather than growing without limit.
 */
public final class LatencyRecorder {

  public static final int CAPACITY = 2_000_000;

  private long[] samples = new long[4096];
  private int size;

  public synchronized void record(long nanos) {
    if (size == samples.length) {
      if (size == CAPACITY) {
        return;
      }
      samples = Arrays.copyOf(samples, Math.min(CAPACITY, size * 2));
    }
    samples[size++] = nanos;
  }

  public synchronized Percentiles percentiles() {
    return Percentiles.of(Arrays.copyOf(samples, size));
  }
}
