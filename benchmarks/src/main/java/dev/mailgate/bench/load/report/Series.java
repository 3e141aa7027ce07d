package dev.mailgate.bench.load.report;

import java.util.ArrayList;
import java.util.List;

/** The samples of one (scenario, target) pair over the rounds of a run, and their summaries. */
public final class Series {

  private final List<Sample> samples = new ArrayList<>();

  public void add(Sample s) {
    samples.add(s);
  }

  public boolean isEmpty() {
    return samples.isEmpty();
  }

  public int size() {
    return samples.size();
  }

  public double median() {
    return median(samples.stream().mapToDouble(Sample::value).toArray());
  }

  public double min() {
    return samples.stream().mapToDouble(Sample::value).min().orElse(Double.NaN);
  }

  public double max() {
    return samples.stream().mapToDouble(Sample::value).max().orElse(Double.NaN);
  }

  public long errors() {
    return samples.stream().mapToLong(Sample::errors).sum();
  }

  public double medianP50() {
    return median(samples.stream().filter(s -> s.latency().count() > 0).mapToDouble(s -> s.latency().p50Millis()).toArray());
  }

  public double medianP99() {
    return median(samples.stream().filter(s -> s.latency().count() > 0).mapToDouble(s -> s.latency().p99Millis()).toArray());
  }

  /**
   * This series' figure divided by {@code other}'s, round by round (the samples are added in round
   * order); none when the two do not have a figure for every round, or one is zero.
   */
  public double[] ratiosByRound(Series other) {
    if (samples.size() != other.samples.size()) {
      return new double[0];
    }
    double[] r = new double[samples.size()];
    for (int i = 0; i < r.length; i++) {
      double theirs = other.samples.get(i).value();
      if (theirs == 0) {
        return new double[0];
      }
      r[i] = samples.get(i).value() / theirs;
    }
    return r;
  }

  /** The median; for an even count, the mean of the two middle values; NaN when empty. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
