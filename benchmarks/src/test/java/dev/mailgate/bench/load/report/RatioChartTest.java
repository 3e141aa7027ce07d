package dev.mailgate.bench.load.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioChartTest {

  private static final LoadReport.Row IMAP = new LoadReport.Row("imap-session", "commands/s", false);
  private static final LoadReport.Row SMTP = new LoadReport.Row("smtp-relay 4 KB", "msgs/s", false);

  @Test
  void aTargetWithoutFiguresForARowLeavesThatBarOutAndTheRestOfTheChartIntact() {
    LoadReport r = new LoadReport(List.of("direct", "mailgate", "netty-splice"), "mailgate", "direct");
    r.add(IMAP, "direct", new Sample(300, 0, Percentiles.NONE));
    r.add(IMAP, "mailgate", new Sample(270, 0, Percentiles.NONE));
    r.add(IMAP, "netty-splice", new Sample(290, 0, Percentiles.NONE));
    r.add(SMTP, "direct", new Sample(9000, 0, Percentiles.NONE));
    r.add(SMTP, "mailgate", new Sample(4000, 0, Percentiles.NONE)); // netty-splice serves IMAP only

    String svg = RatioChart.svg(r);

    assertThat(svg).doesNotContain("NaN").contains("0.90×", "0.93×", "0.44×");
  }
}
