package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.client.Expect;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.client.Response;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Sample;
import dev.mailgate.bench.load.servers.Messages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * SMTP relay, MX style (no AUTH, a recipient in an accepted domain): each session sends EHLO, then
 * {@code messages} transactions (MAIL, RCPT, DATA, the message, the final dot), then QUIT. The
 * figure is messages accepted per second; the latency recorded is the final dot's reply, the time
 * the relay takes to have the message accepted by the backend once its last byte is sent.
 */
public final class SmtpRelayScenario implements Scenario {

  private final Clients clients;
  private final int messageSize;
  private final int messages;
  private final Duration duration;
  private final int concurrency;
  private final ByteBuf message;

  public SmtpRelayScenario(Clients clients, int messageSize, int messages, Duration duration, int concurrency) {
    this.clients = clients;
    this.messageSize = messageSize;
    this.messages = messages;
    this.duration = duration;
    this.concurrency = concurrency;
    byte[] body = Messages.of(messageSize, "sender@example.net", "alice@example.test", 1);
    byte[] dot = ".\r\n".getBytes(StandardCharsets.US_ASCII);
    // one read-only copy for every session; each send writes a duplicate of it
    this.message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length + dot.length).writeBytes(body).writeBytes(dot));
  }

  @Override
  public int port(Target target) {
    return target.smtp();
  }

  @Override
  public LoadReport.Row row() {
    String size = messageSize >= 1024 * 1024 ? messageSize / (1024 * 1024) + " MB" : messageSize / 1024 + " KB";
    return new LoadReport.Row("smtp-relay " + size + " (" + concurrency + " sessions × " + messages + " msgs)", "msgs/s", false);
  }

  @Override
  public Sample run(Target target) {
    LatencyRecorder latency = new LatencyRecorder();
    return LoadDriver.run(duration, concurrency, 1, latency, () -> session(target, latency));
  }

  private CompletableFuture<Long> session(Target target, LatencyRecorder latency) {
    return greeted(target)
        .thenCompose(c -> transactions(c, latency, 0)
            .thenCompose(sent -> c.command("QUIT", Expect.SMTP_REPLY, null).thenApply(r -> sent))
            .whenComplete((r, e) -> c.close()));
  }

  /** A connection to {@code target}'s SMTP port, greeted and past EHLO: ready for transactions. */
  CompletableFuture<MailConnection> greeted(Target target) {
    return MailConnection.open(clients.client(port(target), false), Expect.SMTP_REPLY).toFuture()
        .thenCompose(c -> c.command("EHLO load.example.net", Expect.SMTP_REPLY, null)
            .thenApply(r -> Checks.smtp(r, 250))
            .thenApply(r -> c)
            .whenComplete((r, e) -> {
              if (e != null) {
                c.close();
              }
            }));
  }

  private CompletableFuture<Long> transactions(MailConnection c, LatencyRecorder latency, long sent) {
    if (sent == messages) {
      return CompletableFuture.completedFuture(sent);
    }
    return transaction(c).thenCompose(r -> {
      latency.record(r.nanos());
      return transactions(c, latency, sent + 1);
    });
  }

  /** MAIL, RCPT, DATA, the message and the final dot; the response is the reply to the dot (a 250). */
  CompletableFuture<Response> transaction(MailConnection c) {
    return c.command("MAIL FROM:<sender@example.net>", Expect.SMTP_REPLY, null).thenApply(r -> Checks.smtp(r, 250))
        .thenCompose(r -> c.command("RCPT TO:<alice@example.test>", Expect.SMTP_REPLY, null)).thenApply(r -> Checks.smtp(r, 250))
        .thenCompose(r -> c.command("DATA", Expect.SMTP_REPLY, null)).thenApply(r -> Checks.smtp(r, 354))
        .thenCompose(r -> c.send(message.duplicate(), Expect.SMTP_REPLY, null)).thenApply(r -> Checks.smtp(r, 250));
  }

  /** The message size in bytes. */
  int messageSize() {
    return messageSize;
  }
}
