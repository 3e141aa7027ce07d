package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.client.Expect;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Sample;
import dev.mailgate.bench.load.servers.Dovecot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Bulk download over IMAP: log in to a mailbox of large messages and FETCH every body in one
 * command. The figure is megabytes (10^6) of FETCH response per second; the latency recorded is
 * that of the whole FETCH.
 */
public final class ImapLargeFetchScenario implements Scenario {

  private final Clients clients;
  private final Dovecot.Mailbox mailbox;
  private final Duration duration;
  private final int concurrency;

  public ImapLargeFetchScenario(Clients clients, Dovecot.Mailbox mailbox, Duration duration, int concurrency) {
    this.clients = clients;
    this.mailbox = mailbox;
    this.duration = duration;
    this.concurrency = concurrency;
  }

  @Override
  public int port(Target target) {
    return target.imap();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("imap-fetch " + mailbox.messages() + " × " + mailbox.messageSize() / 1024 + " KB ("
        + concurrency + " sessions)", "MB/s", false);
  }

  @Override
  public Sample run(Target target) {
    LatencyRecorder latency = new LatencyRecorder();
    LatencyRecorder unused = new LatencyRecorder();
    return LoadDriver.run(duration, concurrency, 1e6, latency, () -> session(target, latency, unused));
  }

  private CompletableFuture<Long> session(Target target, LatencyRecorder latency, LatencyRecorder unused) {
    return MailConnection.open(clients.client(port(target), false), Expect.LINE).toFuture()
        .thenCompose(c -> ImapSessionScenario.step(c, unused, "a1", "LOGIN \"" + mailbox.address() + "\" \"" + mailbox.password() + "\"")
            .thenCompose(r -> ImapSessionScenario.step(c, unused, "a2", "EXAMINE INBOX"))
            .thenCompose(r -> ImapSessionScenario.step(c, latency, "a3", "FETCH 1:* BODY.PEEK[]"))
            .thenCompose(fetched -> ImapSessionScenario.step(c, unused, "a4", "LOGOUT").thenApply(r -> fetched.bytes()))
            .whenComplete((r, e) -> c.close()));
  }
}
