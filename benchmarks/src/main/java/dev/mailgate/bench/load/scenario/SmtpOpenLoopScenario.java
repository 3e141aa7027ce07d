package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP relay latency at a fixed arrival rate ({@link OpenLoopDriver}): {@code sessions} connections
 * are opened and past EHLO first, then 4 KB messages arrive evenly spaced at {@code rate} per
 * second, each taking the next free connection for MAIL, RCPT, DATA, the message and the dot. A
 * message's latency runs from its scheduled arrival to the 250 after its dot, queueing included.
 * The rate is the same for every target (the harness sets it to half the lowest closed-loop peak of
 * {@code smtp_4k} in the same run, or {@code --open-rate}), so the latencies compare at one load.
 *
 * <p>Paired ({@link #paired}, {@code smtp_open_paired}): every arrival goes to the target and to
 * the backend directly at the same scheduled time, each over its own {@code sessions} connections
 * ({@link OpenLoopDriver#runTogether}). Each round's figure is then what the target added over
 * direct in that same window, at p50 and at p99. On a shared 2-core machine direct's own p99 moves
 * by several milliseconds from one 3 s window to the next, so the difference of two windows (the
 * latency table of {@code smtp_open}) cannot resolve a millisecond; a stall of the machine or of
 * the generator inside one window delays both lanes alike and cancels here. The machine carries
 * both lanes' load (smtp-sink's is small, the client's doubles).
 */
public final class SmtpOpenLoopScenario implements Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(SmtpOpenLoopScenario.class);

  private final SmtpRelayScenario relay;
  private final int sessions;
  private final Duration duration;
  private final DoubleSupplier rateSource;
  /** The direct target each arrival also goes to; null when not paired. */
  private final Supplier<Target> pairWith;
  private double rate = Double.NaN;

  /**
   * @param relay the closed-loop scenario whose transaction this one sends
   * @param rate messages per second, asked for once, at the first run (after the closed-loop rounds)
   */
  public SmtpOpenLoopScenario(SmtpRelayScenario relay, int sessions, Duration duration, DoubleSupplier rate) {
    this.relay = relay;
    this.sessions = sessions;
    this.duration = duration;
    this.rateSource = rate;
    this.pairWith = null;
  }

  private SmtpOpenLoopScenario(SmtpOpenLoopScenario unpaired, Supplier<Target> direct) {
    this.relay = unpaired.relay;
    this.sessions = unpaired.sessions;
    this.duration = unpaired.duration;
    this.rateSource = unpaired.rateSource;
    this.pairWith = direct;
  }

  /** The same load, each arrival also sent to {@code direct} in the same window (see the class comment). */
  public SmtpOpenLoopScenario paired(Supplier<Target> direct) {
    return new SmtpOpenLoopScenario(this, direct);
  }

  /**
   * Its own rate is only known after the closed-loop rounds, so it warms up with the closed-loop
   * transaction it sends. Without this, a run of {@code smtp_open} alone timed a cold mailgate:
   * round 1's p50 was 970 ms at 2,260 msgs/s, the JIT still compiling the relay. Once the rate is
   * known the harness also runs this scenario itself untimed before its rounds.
   */
  @Override
  public Scenario warmUp() {
    return relay;
  }

  @Override
  public int port(Target target) {
    if (pairWith != null && (pairWith.get() == null || pairWith.get().name().equals(target.name()))) {
      return 0; // direct is every pair's other half, not a target of its own here
    }
    return target.smtp();
  }

  @Override
  public LoadReport.Row row() {
    if (pairWith != null) {
      return addedRow("p99");
    }
    return new LoadReport.Row("smtp-relay " + relay.messageSize() / 1024 + " KB open loop at " + Math.round(rate())
        + " msgs/s (" + sessions + " sessions)", "msgs/s", false);
  }

  private LoadReport.Row addedRow(String percentile) {
    return new LoadReport.Row("smtp-relay " + relay.messageSize() / 1024 + " KB open loop at " + Math.round(rate())
        + " msgs/s, paired with direct in the same window (" + sessions + " + " + sessions + " sessions): "
        + percentile + " added", LoadReport.Row.MS_ADDED, true);
  }

  @Override
  public Map<LoadReport.Row, Sample> measure(Target target) throws Exception {
    if (pairWith == null) {
      return Map.of(row(), run(target));
    }
    double perSecond = rate();
    if (!(perSecond > 0)) {
      return Map.of();
    }
    LatencyRecorder viaTarget = new LatencyRecorder();
    LatencyRecorder viaDirect = new LatencyRecorder();
    List<Sample> both = withPools(List.of(target, pairWith.get()), pools -> OpenLoopDriver.runTogether(duration,
        perSecond, List.of(new OpenLoopDriver.Lane<>(pools.get(0), viaTarget, relay::transaction),
            new OpenLoopDriver.Lane<>(pools.get(1), viaDirect, relay::transaction))));
    Percentiles t = both.get(0).latency();
    Percentiles d = both.get(1).latency();
    LOG.info("paired open loop, same window: {} p50 {} / p90 {} / p99 {} / p99.9 {} ms, direct p50 {} / p90 {} / p99 {} / p99.9 {} ms",
        target.name(), f(t.p50Millis()), f(t.p90Millis()), f(t.p99Millis()), f(t.p999Millis()),
        f(d.p50Millis()), f(d.p90Millis()), f(d.p99Millis()), f(d.p999Millis()));
    long errors = both.get(0).errors() + both.get(1).errors();
    Map<LoadReport.Row, Sample> figures = new LinkedHashMap<>();
    // the figure is already a difference; both lanes' percentiles are in the log line above
    figures.put(addedRow("p50"), new Sample(t.p50Millis() - d.p50Millis(), errors, Percentiles.NONE));
    figures.put(addedRow("p99"), new Sample(t.p99Millis() - d.p99Millis(), errors, Percentiles.NONE));
    return figures;
  }

  private static String f(double millis) {
    return String.format("%.2f", millis);
  }

  private double rate() {
    if (Double.isNaN(rate)) {
      rate = rateSource.getAsDouble();
    }
    return rate;
  }

  @Override
  public Sample run(Target target) throws Exception {
    double perSecond = rate();
    if (!(perSecond > 0)) {
      return new Sample(Double.NaN, 0, Percentiles.NONE);
    }
    LatencyRecorder latency = new LatencyRecorder();
    return withPools(List.of(target), pools -> OpenLoopDriver.run(duration, perSecond, pools.get(0), latency,
        relay::transaction));
  }

  /** What runs on one pool of greeted connections per target. */
  private interface OnPools<T> {
    T run(List<List<MailConnection>> pools) throws Exception;
  }

  /** Opens {@code sessions} greeted connections to each target, runs {@code body}, closes them all. */
  private <T> T withPools(List<Target> targets, OnPools<T> body) throws Exception {
    List<CompletableFuture<MailConnection>> opening = new ArrayList<>();
    for (Target target : targets) {
      for (int i = 0; i < sessions; i++) {
        opening.add(relay.greeted(target));
      }
    }
    try {
      List<List<MailConnection>> pools = new ArrayList<>();
      for (int t = 0; t < targets.size(); t++) {
        List<MailConnection> pool = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          pool.add(opening.get(t * sessions + i).get(30, TimeUnit.SECONDS));
        }
        pools.add(pool);
      }
      return body.run(pools);
    } finally {
      for (CompletableFuture<MailConnection> f : opening) {
        f.thenAccept(MailConnection::close);
      }
    }
  }
}
