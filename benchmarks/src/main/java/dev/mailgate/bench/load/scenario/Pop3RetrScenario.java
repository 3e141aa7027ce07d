package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.client.Expect;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.client.Response;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Sample;
import dev.mailgate.bench.load.servers.Dovecot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A POP3 download of everything: USER, PASS, then RETR of each message in turn, QUIT (without
 * DELE, so the maildrop stays the same). The figure is megabytes (10^6) of RETR responses per
 * second; each RETR's latency is recorded.
 */
public final class Pop3RetrScenario implements Scenario {

  private final Clients clients;
  private final Dovecot.Mailbox mailbox;
  private final Duration duration;
  private final int concurrency;

  public Pop3RetrScenario(Clients clients, Dovecot.Mailbox mailbox, Duration duration, int concurrency) {
    this.clients = clients;
    this.mailbox = mailbox;
    this.duration = duration;
    this.concurrency = concurrency;
  }

  @Override
  public int port(Target target) {
    return target.pop3();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("pop3-retr " + mailbox.messages() + " × " + mailbox.messageSize() / 1024 + " KB ("
        + concurrency + " sessions)", "MB/s", false);
  }

  @Override
  public Sample run(Target target) {
    LatencyRecorder latency = new LatencyRecorder();
    return LoadDriver.run(duration, concurrency, 1e6, latency, () -> session(target, latency));
  }

  private CompletableFuture<Long> session(Target target, LatencyRecorder latency) {
    return MailConnection.open(clients.client(port(target), false), Expect.LINE).toFuture()
        .thenCompose(c -> c.command("USER " + mailbox.address(), Expect.LINE, null).thenApply(Checks::pop3Ok)
            .thenCompose(r -> c.command("PASS " + mailbox.password(), Expect.LINE, null)).thenApply(Checks::pop3Ok)
            .thenCompose(r -> retr(c, latency, 1, 0))
            .thenCompose(bytes -> c.command("QUIT", Expect.LINE, null).thenApply(r -> bytes))
            .whenComplete((r, e) -> c.close()));
  }

  private CompletableFuture<Long> retr(MailConnection c, LatencyRecorder latency, int message, long bytes) {
    if (message > mailbox.messages()) {
      return CompletableFuture.completedFuture(bytes);
    }
    return c.command("RETR " + message, Expect.POP3_MULTILINE, null).thenCompose(r -> {
      Response ok = Checks.pop3Ok(r);
      latency.record(ok.nanos());
      return retr(c, latency, message + 1, bytes + ok.bytes());
    });
  }
}
