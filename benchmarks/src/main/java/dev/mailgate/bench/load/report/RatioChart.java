package dev.mailgate.bench.load.report;

import java.util.List;
import java.util.Locale;

/**
 * An SVG bar chart of a report: per scenario, one bar per other target for the subject's ratio to
 * it (on the medians), with the parity line at 1×. Plain SVG text, no library.
 */
public final class RatioChart {

  private static final String[] COLOURS = {"#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee"};
  private static final int ROW_HEIGHT = 22;
  private static final int LABEL_WIDTH = 420;
  private static final int PLOT_WIDTH = 460;

  private RatioChart() {}

  public static String svg(LoadReport report) {
    List<String> others = report.targets().stream().filter(t -> !t.equals(report.subject())).toList();
    List<LoadReport.Row> rows = report.rows().stream().filter(r -> !r.isDifference()).toList();
    double max = 2.0;
    for (LoadReport.Row row : rows) {
      for (String t : others) {
        double r = ratio(report, row, t);
        if (!Double.isNaN(r)) { // a target without figures for a row (a reference serving IMAP only)
          max = Math.max(max, r);
        }
      }
    }
    max = Math.ceil(max);
    int groupHeight = ROW_HEIGHT * others.size() + 12;
    int height = 60 + groupHeight * rows.size() + 20 * others.size();
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        LABEL_WIDTH + PLOT_WIDTH + 60, height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">%s / other target, medians (higher is better, except memory rows: lower)</text>%n",
        report.subject()));
    double x1 = LABEL_WIDTH + PLOT_WIDTH / max;
    int plotBottom = 40 + groupHeight * rows.size();
    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"4 3\"/>%n", x1, x1, plotBottom));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"32\" text-anchor=\"middle\">1×</text>%n", x1));
    int y = 40;
    for (LoadReport.Row row : rows) {
      s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + ROW_HEIGHT, escape(row.scenario())));
      for (int i = 0; i < others.size(); i++) {
        double r = ratio(report, row, others.get(i));
        int by = y + i * ROW_HEIGHT;
        if (!Double.isNaN(r)) {
          s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
              LABEL_WIDTH, by + 2, r / max * PLOT_WIDTH, ROW_HEIGHT - 4, COLOURS[i % COLOURS.length]));
          s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f×</text>%n",
              LABEL_WIDTH + r / max * PLOT_WIDTH + 4, by + ROW_HEIGHT - 6, r));
        }
      }
      y += groupHeight;
    }
    for (int i = 0; i < others.size(); i++) {
      int ly = plotBottom + 10 + i * 20;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>%n", LABEL_WIDTH, ly, COLOURS[i % COLOURS.length]));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">vs %s</text>%n", LABEL_WIDTH + 20, ly + 12, escape(others.get(i))));
    }
    return s.append("</svg>\n").toString();
  }

  private static double ratio(LoadReport report, LoadReport.Row row, String other) {
    Series a = report.series(row, report.subject());
    Series b = report.series(row, other);
    if (a.isEmpty() || b.isEmpty() || b.median() == 0) {
      return Double.NaN;
    }
    double r = a.median() / b.median();
    return r < 0 ? 0 : r;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
