package dev.mailgate.bench.load.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {

  private static final LoadReport.Row SMTP = new LoadReport.Row("smtp-relay 4 KB", "msgs/s", false);

  @Test
  void tableShowsMediansWithMinMaxAndTheSubjectsRatioToEveryOtherTarget() {
    LoadReport r = new LoadReport(List.of("direct", "nginx", "mailgate"), "mailgate", "direct");
    for (double v : new double[] {1000, 1200, 1100}) {
      r.add(SMTP, "direct", new Sample(v, 0, Percentiles.NONE));
    }
    r.add(SMTP, "nginx", new Sample(400, 0, Percentiles.NONE));
    r.add(SMTP, "mailgate", new Sample(600, 2, Percentiles.NONE));
    String md = r.toMarkdown();
    assertThat(md).contains("| scenario | unit | direct | nginx | mailgate | mailgate/direct | mailgate/nginx | errors |");
    assertThat(md).contains("| smtp-relay 4 KB | msgs/s | 1100 [1000–1200] | 400 [400–400] | 600 [600–600] | 0.55× | 1.50× | 2 |");
    assertThat(md).doesNotContain("## Latency");
  }

  @Test
  void roundRatiosDivideTheFiguresOfEachRoundNotTheMediansOfDifferentRounds() {
    LoadReport r = new LoadReport(List.of("direct", "nginx", "mailgate"), "mailgate", "direct");
    // the machine is twice as fast in round 2: the medians' ratio (600/1000) mixes rounds
    double[][] rounds = {{500, 300, 450}, {1000, 600, 1000}, {1200, 900, 600}};
    for (double[] round : rounds) {
      r.add(SMTP, "direct", new Sample(round[0], 0, Percentiles.NONE));
      r.add(SMTP, "nginx", new Sample(round[1], 0, Percentiles.NONE));
      r.add(SMTP, "mailgate", new Sample(round[2], 0, Percentiles.NONE));
    }
    String md = r.toMarkdown();
    assertThat(md).contains("| smtp-relay 4 KB | msgs/s | 1000 [500–1200] | 600 [300–900] | 600 [450–1000] | 0.60× | 1.00× | 0 |");
    assertThat(md).contains("## Ratios within each round")
        .contains("| scenario | unit | mailgate/direct | mailgate/nginx |")
        .contains("| smtp-relay 4 KB | msgs/s | 0.90× [0.50–1.00] | 1.50× [0.67–1.67] |");
  }

  @Test
  void aFigureThatIsAlreadyADifferenceToDirectGetsNoRatiosAndNoBarInTheChart() {
    LoadReport.Row added = new LoadReport.Row("smtp open loop paired: p99 added", LoadReport.Row.MS_ADDED, true);
    LoadReport r = new LoadReport(List.of("direct", "nginx", "mailgate"), "mailgate", "direct");
    for (double[] round : new double[][] {{0.6, 0.3}, {-0.2, 0.1}}) {
      r.add(added, "nginx", new Sample(round[0], 0, Percentiles.NONE));
      r.add(added, "mailgate", new Sample(round[1], 0, Percentiles.NONE));
    }
    String md = r.toMarkdown();
    assertThat(md).contains("| smtp open loop paired: p99 added | " + LoadReport.Row.MS_ADDED
        + " | – | 0.200 [-0.200–0.600] | 0.200 [0.100–0.300] | – | – | 0 |");
    assertThat(md).doesNotContain("## Ratios within each round");
    assertThat(RatioChart.svg(r)).doesNotContain("p99 added");
  }

  @Test
  void roundRatiosNeedAFigureOfEveryTargetInEveryRound() {
    LoadReport r = new LoadReport(List.of("direct", "mailgate"), "mailgate", "direct");
    r.add(SMTP, "direct", new Sample(1000, 0, Percentiles.NONE));
    r.add(SMTP, "mailgate", new Sample(600, 0, Percentiles.NONE));
    r.add(SMTP, "mailgate", new Sample(700, 0, Percentiles.NONE));
    assertThat(r.toMarkdown()).contains("| smtp-relay 4 KB | msgs/s | – |");
    LoadReport single = new LoadReport(List.of("direct", "mailgate"), "mailgate", "direct");
    single.add(SMTP, "direct", new Sample(1000, 0, Percentiles.NONE));
    single.add(SMTP, "mailgate", new Sample(600, 0, Percentiles.NONE));
    assertThat(single.toMarkdown()).doesNotContain("## Ratios within each round");
  }

  @Test
  void latencyTableSubtractsTheDirectTargetsPercentiles() {
    LoadReport r = new LoadReport(List.of("direct", "mailgate"), "mailgate", "direct");
    r.add(SMTP, "direct", new Sample(1, 0, new Percentiles(10, 0.5, 2.0)));
    r.add(SMTP, "mailgate", new Sample(1, 0, new Percentiles(10, 0.8, 2.5)));
    assertThat(r.toMarkdown()).contains("| smtp-relay 4 KB | 0.50 / 2.00 | 0.80 / 2.50 | 0.30 / 0.50 |");
  }

  @Test
  void cpuTableGivesEachTargetsMedianCostPerUnitAndTheSubjectsRatio() {
    LoadReport r = new LoadReport(List.of("direct", "nginx", "mailgate"), "mailgate", "direct");
    r.add(SMTP, "direct", new Sample(1, 0, Percentiles.NONE));
    r.addCpu(SMTP, "direct", 0.5);
    r.addCpu(SMTP, "nginx", 0.2);
    r.addCpu(SMTP, "mailgate", 0.3);
    r.addCpu(SMTP, "mailgate", 0.1);
    r.addCpu(SMTP, "mailgate", 0.2);
    r.addSubjectCpuWithoutJit(SMTP, 0.1);
    assertThat(r.toMarkdown()).contains("## CPU per unit")
        .contains("| scenario | per | direct | nginx | mailgate | mailgate without JIT | mailgate/direct | mailgate/nginx"
            + " | mailgate without JIT/direct | mailgate without JIT/nginx |")
        .contains("| smtp-relay 4 KB | msgs | 0.500 [0.500–0.500] | 0.200 [0.200–0.200] | 0.200 [0.100–0.300]"
            + " | 0.100 [0.100–0.100] | 0.40× | 1.00× | 0.20× | 0.50× |");
  }

  @Test
  void missingTargetsAndEvenCountsAreHandled() {
    Series s = new Series();
    s.add(new Sample(1, 0, Percentiles.NONE));
    s.add(new Sample(4, 0, Percentiles.NONE));
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(LoadReport.ratio(s, new Series())).isEqualTo("–");
    assertThat(LoadReport.figure(0.12345)).isEqualTo("0.123");
    assertThat(LoadReport.figure(12.345)).isEqualTo("12.3");
  }
}
