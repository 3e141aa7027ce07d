package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Sample;
import java.util.Map;

/** One kind of load, run against one target at a time. */
public interface Scenario {

  /** Its row in the report: name, unit, and which way is better. */
  LoadReport.Row row();

  /** The port of {@code target} it connects to; 0 when the target does not serve that protocol. */
  int port(Target target);

  /** Runs it once against {@code target}; blocks the calling thread. */
  Sample run(Target target) throws Exception;

  /** Runs it once and returns its figures by row; most scenarios have one row. */
  default Map<LoadReport.Row, Sample> measure(Target target) throws Exception {
    return Map.of(row(), run(target));
  }

  /**
   * What to run untimed before the rounds so that a JVM target has compiled this scenario's paths:
   * by default the scenario itself; null where a short untimed run makes no sense (the slow,
   * fixed-size ones).
   */
  default Scenario warmUp() {
    return this;
  }
}
