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
 * A typical IMAP client session over plaintext IMAP: LOGIN, SELECT INBOX, FETCH every message's
 * header, FETCH every message's body, LOGOUT. The figure is IMAP commands per second (the greeting
 * is not a command); every command's latency is recorded.
 */
public final class ImapSessionScenario implements Scenario {

  private static final long COMMANDS_PER_SESSION = 5;

  private final Clients clients;
  private final Dovecot.Mailbox mailbox;
  private final Duration duration;
  private final int concurrency;

  public ImapSessionScenario(Clients clients, Dovecot.Mailbox mailbox, Duration duration, int concurrency) {
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
    return new LoadReport.Row("imap-session (" + concurrency + " sessions, " + mailbox.messages() + " msgs)", "commands/s", false);
  }

  @Override
  public Sample run(Target target) {
    LatencyRecorder latency = new LatencyRecorder();
    return LoadDriver.run(duration, concurrency, 1, latency, () -> session(target, latency));
  }

  private CompletableFuture<Long> session(Target target, LatencyRecorder latency) {
    return MailConnection.open(clients.client(port(target), false), Expect.LINE).toFuture()
        .thenCompose(c -> step(c, latency, "a1", "LOGIN \"" + mailbox.address() + "\" \"" + mailbox.password() + "\"")
            .thenCompose(r -> step(c, latency, "a2", "SELECT INBOX"))
            .thenCompose(r -> step(c, latency, "a3", "FETCH 1:* (FLAGS BODY.PEEK[HEADER])"))
            .thenCompose(r -> step(c, latency, "a4", "FETCH 1:* BODY.PEEK[]"))
            .thenCompose(r -> step(c, latency, "a5", "LOGOUT"))
            .whenComplete((r, e) -> c.close()))
        .thenApply(r -> COMMANDS_PER_SESSION);
  }

  static CompletableFuture<Response> step(MailConnection c, LatencyRecorder latency, String tag, String command) {
    return c.command(tag + " " + command, Expect.IMAP_TAGGED, tag).thenApply(r -> {
      Checks.imapOk(r, tag);
      latency.record(r.nanos()); // successful commands only: a fast refusal is not a fast answer
      return r;
    });
  }
}
