package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.client.Expect;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Sample;
import java.time.Duration;

/**
 * New TLS connections on the implicit-TLS IMAP port: connect, full handshake (the client keeps no
 * session cache), read the greeting, close. The figure is connections per second.
 */
public final class TlsHandshakeScenario implements Scenario {

  private final Clients clients;
  private final Duration duration;
  private final int concurrency;

  public TlsHandshakeScenario(Clients clients, Duration duration, int concurrency) {
    this.clients = clients;
    this.duration = duration;
    this.concurrency = concurrency;
  }

  @Override
  public int port(Target target) {
    return target.imaps();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("imaps-handshake (" + concurrency + " at a time)", "handshakes/s", false);
  }

  @Override
  public Sample run(Target target) {
    LatencyRecorder latency = new LatencyRecorder();
    return LoadDriver.run(duration, concurrency, 1, latency, () -> MailConnection.open(clients.client(port(target), true), Expect.LINE)
        .toFuture()
        .thenApply(c -> {
          c.close();
          return 1L;
        }));
  }
}
