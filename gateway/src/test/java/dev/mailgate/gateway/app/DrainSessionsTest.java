package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.session.DrainReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * A drain with sessions open on the local tier: an IMAP session in IDLE gets {@code * BYE
 * [UNAVAILABLE]}, an SMTP session idle between transactions gets {@code 421 4.3.2}, and an SMTP
 * transaction in flight finishes (its message is acknowledged and stored) before its session gets
 * the 421. The drain then completes with no session forced closed.
 */
class DrainSessionsTest {

  @TempDir Path dir;

  @Test
  void idleImapSessionsSayByeIdleSmtpSessionsGet421AndATransactionInFlightFinishesFirst() throws Exception {
    int smtp = FreePorts.one();
    int imap = FreePorts.one();
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, "server: { data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { bind: \"127.0.0.1:0\" }\n"
        + "listeners:\n"
        + "  - { name: smtp, protocol: smtp, bind: \"127.0.0.1:" + smtp + "\", tls: none }\n"
        + "  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n"
        + "routes:\n  - { name: everyone-local, target: local }\n");
    AppOptions options = new AppOptions(Optional.of(f), Map.of(), 0, Duration.ofSeconds(30), false);
    try (MailgateApp app = MailgateApp.start(options, ProtocolHandlers.standard())) {
      app.context().users().add("me@example.test", "s3cret".toCharArray()).block(Duration.ofSeconds(30));
      // the new user's domain and mailboxes appear within a second or so: until then RCPT is refused
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
          app.context().localDomains().isLocal("example.test").block(Duration.ofSeconds(10))
              && app.context().store().quota("me@example.test").block(Duration.ofSeconds(10)) != null);

      Client idle = new Client(imap);
      idle.expect("* OK");
      idle.send("a1 LOGIN me@example.test s3cret");
      idle.expect("a1 OK");
      idle.send("a2 SELECT INBOX");
      idle.expect("a2 OK");
      idle.send("a3 IDLE");
      idle.expect("+ ");

      Client between = new Client(smtp);
      between.expect("220 ");
      between.send("EHLO client.test");
      between.expect("250 ");

      Client inFlight = new Client(smtp);
      inFlight.expect("220 ");
      inFlight.send("EHLO client.test");
      inFlight.expect("250 ");
      inFlight.send("MAIL FROM:<someone@elsewhere.test>");
      inFlight.expect("250 ");
      inFlight.send("RCPT TO:<me@example.test>");
      inFlight.expect("250 ");
      inFlight.send("DATA");
      inFlight.expect("354 ");
      inFlight.send("Subject: sent during a drain\r\n\r\nstill delivered");

      Mono<DrainReport> drained = app.drain().cache();
      drained.subscribe();

      assertThat(idle.expect("* BYE")).startsWith("* BYE [UNAVAILABLE]");
      idle.expectClosed();
      assertThat(between.expect("421 ")).startsWith("421 4.3.2");
      between.expectClosed();

      inFlight.send(".");
      assertThat(inFlight.expect("250 ")).startsWith("250 ");
      assertThat(inFlight.expect("421 ")).startsWith("421 4.3.2");
      inFlight.expectClosed();

      DrainReport report = drained.block(Duration.ofSeconds(30));
      assertThat(report.forced()).as("no session had to be forced closed").isZero();
      assertThat(app.context().store().mailboxes("me@example.test")
          .filter(m -> m.name().isInbox())
          .blockFirst(Duration.ofSeconds(10)).messages()).isEqualTo(1);
    }
  }

  private static final class Client {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    String expect(String prefix) throws IOException {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      throw new IOException("closed while waiting for " + prefix);
    }

    void expectClosed() throws IOException {
      assertThat(in.readLine()).isNull();
      socket.close();
    }
  }
}
