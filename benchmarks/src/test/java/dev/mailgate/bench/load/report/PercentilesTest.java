package dev.mailgate.bench.load.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankPicksTheSmallestSampleWithThePercentAtOrBelowIt() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[99 - i] = (i + 1) * 1_000_000L; // 1..100 ms, unsorted
    }
    Percentiles p = Percentiles.of(hundred);
    assertThat(p.count()).isEqualTo(100);
    assertThat(p.p50Millis()).isEqualTo(50.0);
    assertThat(p.p99Millis()).isEqualTo(99.0);
  }

  @Test
  void theTailFiguresAreP90P999AndTheLargestSample() {
    long[] thousand = new long[1000];
    for (int i = 0; i < 1000; i++) {
      thousand[i] = (1000 - i) * 1_000_000L; // 1..1000 ms, descending
    }
    Percentiles p = Percentiles.of(thousand);
    assertThat(p.p90Millis()).isEqualTo(900.0);
    assertThat(p.p999Millis()).isEqualTo(999.0);
    assertThat(p.maxMillis()).isEqualTo(1000.0);
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    Percentiles p = Percentiles.of(new long[] {3_000_000L});
    assertThat(p.p50Millis()).isEqualTo(3.0);
    assertThat(p.p99Millis()).isEqualTo(3.0);
    assertThat(p.p999Millis()).isEqualTo(3.0);
    assertThat(p.maxMillis()).isEqualTo(3.0);
  }

  @Test
  void noSamplesMeansNoPercentiles() {
    assertThat(Percentiles.of(new long[0])).isEqualTo(Percentiles.NONE);
    assertThat(new LatencyRecorder().percentiles().count()).isZero();
  }
}
