package dev.mailgate.bench.load.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one harness run as Markdown: per scenario, the median figure of every target over
 * the rounds with its min and max, the subject's ratio to each other target measured in the same
 * run, and command latencies (p50 / p99) with the latency each proxy adds over the direct target.
 */
public final class LoadReport {

  /** A scenario's row heading: its name, its unit, and whether smaller figures are better. */
  public record Row(String scenario, String unit, boolean lowerIsBetter) {
    /** The unit of a figure that is already a target's difference to direct. */
    public static final String MS_ADDED = "ms added over direct (lower is better)";

    /** A difference to direct (it can be 0 or below): no ratio between two of them means anything. */
    public boolean isDifference() {
      return MS_ADDED.equals(unit);
    }
  }

  private final List<String> targets;
  private final String subject;
  private final String direct;
  private final List<String> header = new ArrayList<>();
  private final Map<Row, Map<String, Series>> rows = new LinkedHashMap<>();
  /** CPU milliseconds per unit of a row's figure, by target, one value per round. */
  private final Map<Row, Map<String, List<Double>>> cpu = new LinkedHashMap<>();
  /** The same for the subject without its JIT compiler threads. */
  private final Map<Row, List<Double>> subjectCompiled = new LinkedHashMap<>();

  /**
   * @param targets the targets in column order
   * @param subject the target whose ratios are reported (mailgate)
   * @param direct the target without a proxy, the base of "added latency"
   */
  public LoadReport(List<String> targets, String subject, String direct) {
    this.targets = List.copyOf(targets);
    this.subject = subject;
    this.direct = direct;
  }

  /** A "- " line under the title (command, machine, load average). */
  public void headerLine(String line) {
    header.add(line);
  }

  public void add(Row row, String target, Sample sample) {
    rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(target, t -> new Series()).add(sample);
  }

  /** What the target's own processes spent per unit of the figure of one round. */
  public void addCpu(Row row, String target, double millisPerUnit) {
    cpu.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(target, t -> new ArrayList<>()).add(millisPerUnit);
  }

  /** What the subject spent per unit outside its JIT compiler threads, in one round. */
  public void addSubjectCpuWithoutJit(Row row, double millisPerUnit) {
    subjectCompiled.computeIfAbsent(row, r -> new ArrayList<>()).add(millisPerUnit);
  }

  public Series series(Row row, String target) {
    return rows.getOrDefault(row, Map.of()).getOrDefault(target, new Series());
  }

  public List<String> targets() {
    return targets;
  }

  public String subject() {
    return subject;
  }

  public List<Row> rows() {
    return List.copyOf(rows.keySet());
  }

  public String toMarkdown() {
    StringBuilder out = new StringBuilder("# mailgate load report\n\n");
    header.forEach(h -> out.append("- ").append(h).append('\n'));
    out.append("\n## Throughput\n\nMedian over the rounds, [min–max]. Ratios are ").append(subject)
        .append(" / other, on the medians");
    out.append(" (for a lower-is-better unit, a ratio below 1 favours ").append(subject).append(").\n\n");
    List<String> others = targets.stream().filter(t -> !t.equals(subject)).toList();
    out.append("| scenario | unit |");
    targets.forEach(t -> out.append(' ').append(t).append(" |"));
    others.forEach(t -> out.append(' ').append(subject).append('/').append(t).append(" |"));
    out.append(" errors |\n|---|---|");
    out.append("---:|".repeat(targets.size() + others.size())).append("---:|\n");
    for (Map.Entry<Row, Map<String, Series>> e : rows.entrySet()) {
      Row row = e.getKey();
      out.append("| ").append(row.scenario()).append(" | ").append(row.unit()).append(" |");
      long errors = 0;
      for (String t : targets) {
        Series s = series(row, t);
        errors += s.errors();
        out.append(' ').append(s.isEmpty() ? "–" : figure(s.median()) + " [" + figure(s.min()) + "–" + figure(s.max()) + "]").append(" |");
      }
      for (String t : others) {
        out.append(' ').append(row.isDifference() ? "–" : ratio(series(row, subject), series(row, t))).append(" |");
      }
      out.append(' ').append(errors).append(" |\n");
    }
    appendRoundRatios(out, others);
    appendLatency(out);
    appendCpu(out);
    return out.toString();
  }

  /**
   * The subject's ratio to each other target within each round, median [min–max] over the rounds.
   * The targets of one round run seconds apart, the rounds minutes apart; on a shared machine the
   * whole machine's speed moves between rounds (the direct target by a fifth), and a ratio of two
   * medians taken from different rounds carries that movement, where a ratio within a round
   * cancels it.
   */
  private void appendRoundRatios(StringBuilder out, List<String> others) {
    List<Row> paired = rows.keySet().stream()
        .filter(r -> series(r, subject).size() > 1 && !r.isDifference()).toList();
    if (paired.isEmpty()) {
      return;
    }
    out.append("\n## Ratios within each round\n\n").append(subject)
        .append(" / other, of the figures of one round, median over the rounds [min–max]: the targets")
        .append(" of a round run seconds apart, so what the whole machine did between rounds cancels.\n\n")
        .append("| scenario | unit |");
    others.forEach(t -> out.append(' ').append(subject).append('/').append(t).append(" |"));
    out.append("\n|---|---|").append("---:|".repeat(others.size())).append('\n');
    for (Row row : paired) {
      out.append("| ").append(row.scenario()).append(" | ").append(row.unit()).append(" |");
      for (String t : others) {
        double[] r = series(row, subject).ratiosByRound(series(row, t));
        out.append(' ').append(r.length == 0 ? "–" : ratioSpread(r)).append(" |");
      }
      out.append('\n');
    }
  }

  private static String ratioSpread(double[] r) {
    return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", Series.median(r), min(r), max(r));
  }

  private void appendLatency(StringBuilder out) {
    List<Row> timed = rows.keySet().stream()
        .filter(r -> targets.stream().anyMatch(t -> !Double.isNaN(series(r, t).medianP50())))
        .toList();
    if (timed.isEmpty()) {
      return;
    }
    out.append("\n## Latency per command\n\nMilliseconds, p50 / p99 of each round, median over the rounds;")
        .append(" \"added\" is the proxy's figure minus ").append(direct).append("'s.\n\n| scenario |");
    List<String> proxies = targets.stream().filter(t -> !t.equals(direct)).toList();
    targets.forEach(t -> out.append(' ').append(t).append(" |"));
    proxies.forEach(t -> out.append(" added by ").append(t).append(" |"));
    out.append("\n|---|").append("---:|".repeat(targets.size() + proxies.size())).append('\n');
    for (Row row : timed) {
      out.append("| ").append(row.scenario()).append(" |");
      for (String t : targets) {
        Series s = series(row, t);
        out.append(' ').append(millis(s.medianP50())).append(" / ").append(millis(s.medianP99())).append(" |");
      }
      Series base = series(row, direct);
      for (String t : proxies) {
        Series s = series(row, t);
        out.append(' ').append(millis(s.medianP50() - base.medianP50())).append(" / ")
            .append(millis(s.medianP99() - base.medianP99())).append(" |");
      }
      out.append('\n');
    }
  }

  private void appendCpu(StringBuilder out) {
    if (cpu.isEmpty()) {
      return;
    }
    List<String> others = targets.stream().filter(t -> !t.equals(subject)).toList();
    String compiled = subject + " without JIT";
    out.append("\n## CPU per unit\n\nMilliseconds of CPU (user + system) that each target's own processes spent per")
        .append(" unit of the figure, median over the rounds [min–max]: for a proxy its own process, not the backend")
        .append(" behind it; for ").append(direct).append(" the backend's. \"").append(compiled)
        .append("\" leaves out the JVM's JIT compiler threads, which still work minutes after a start. A ratio below 1")
        .append(" favours ").append(subject).append(".\n\n| scenario | per |");
    targets.forEach(t -> out.append(' ').append(t).append(" |"));
    out.append(' ').append(compiled).append(" |");
    others.forEach(t -> out.append(' ').append(subject).append('/').append(t).append(" |"));
    others.forEach(t -> out.append(' ').append(compiled).append('/').append(t).append(" |"));
    out.append("\n|---|---|").append("---:|".repeat(targets.size() + 1 + 2 * others.size())).append('\n');
    for (Map.Entry<Row, Map<String, List<Double>>> e : cpu.entrySet()) {
      Row row = e.getKey();
      out.append("| ").append(row.scenario()).append(" | ").append(row.unit().replaceFirst("/s$", "")).append(" |");
      for (String t : targets) {
        out.append(' ').append(spread(values(e.getValue(), t))).append(" |");
      }
      double[] withoutJit = values(subjectCompiled, row);
      out.append(' ').append(spread(withoutJit)).append(" |");
      double[] mine = values(e.getValue(), subject);
      for (double[] subjectValues : List.of(mine, withoutJit)) {
        for (String t : others) {
          out.append(' ').append(medianRatio(subjectValues, values(e.getValue(), t))).append(" |");
        }
      }
      out.append('\n');
    }
  }

  private static String spread(double[] v) {
    return v.length == 0 ? "–" : figure(Series.median(v)) + " [" + figure(min(v)) + "–" + figure(max(v)) + "]";
  }

  private static String medianRatio(double[] mine, double[] theirs) {
    return mine.length == 0 || theirs.length == 0 || Series.median(theirs) == 0 ? "–"
        : String.format(Locale.ROOT, "%.2f×", Series.median(mine) / Series.median(theirs));
  }

  private static <K> double[] values(Map<K, List<Double>> byKey, K key) {
    return byKey.getOrDefault(key, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double min(double[] v) {
    return java.util.Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return java.util.Arrays.stream(v).max().orElse(Double.NaN);
  }

  static String ratio(Series subject, Series other) {
    if (subject.isEmpty() || other.isEmpty() || other.median() == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f×", subject.median() / other.median());
  }

  /** Three significant digits at most, no exponent: 12345 → "12345", 12.345 → "12.3", 0.1234 → "0.123". */
  static String figure(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, v);
  }

  static String millis(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }
}
