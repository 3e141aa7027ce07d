package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * SMTP relay latency at a fixed arrival rate ({@link OpenLoopDriver}): {@code sessions} connections
 * are opened and past EHLO first, then 4 KB messages arrive evenly spaced at {@code rate} per
 * second, each taking the next free connection for MAIL, RCPT, DATA, the message and the dot. A
 * message's latency runs from its scheduled arrival to the 250 after its dot, queueing included.
 * The rate is the same for every target (the harness sets it to half the lowest closed-loop peak of
 * {@code smtp_4k} in the same run, or {@code --open-rate}), so the latencies compare at one load.
 */
public final class SmtpOpenLoopScenario implements Scenario {

  private final SmtpRelayScenario relay;
  private final int sessions;
  private final Duration duration;
  private final DoubleSupplier rateSource;
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
  }

  /**
   * Its own rate is only known after the closed-loop rounds, so it warms up with the closed-loop
   * transaction it sends. Without this, a run of {@code smtp_open} alone timed a cold mailgate:
   * round 1's p50 was 970 ms at 2,260 msgs/s, the JIT still compiling the relay.
   */
  @Override
  public Scenario warmUp() {
    return relay;
  }

  @Override
  public int port(Target target) {
    return target.smtp();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("smtp-relay " + relay.messageSize() / 1024 + " KB open loop at " + Math.round(rate())
        + " msgs/s (" + sessions + " sessions)", "msgs/s", false);
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
    List<CompletableFuture<MailConnection>> opening = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      opening.add(relay.greeted(target));
    }
    List<MailConnection> pool = new ArrayList<>();
    try {
      for (CompletableFuture<MailConnection> f : opening) {
        pool.add(f.get(30, TimeUnit.SECONDS));
      }
      LatencyRecorder latency = new LatencyRecorder();
      return OpenLoopDriver.run(duration, perSecond, pool, latency, relay::transaction);
    } finally {
      for (CompletableFuture<MailConnection> f : opening) {
        f.thenAccept(MailConnection::close);
      }
    }
  }
}
