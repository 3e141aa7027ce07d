package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message size, quota and end-of-data rules, one command at a time and pipelined. */
class SmtpMessageLimitsTest {
  @TempDir static Path dir;
  static SmtpTestServer server;
  static RunningListener small;
  static RunningListener lenient;

  @BeforeAll
  static void start() throws Exception {
    server = SmtpTestServer.start(dir);
    small = server.listener(spec("smtp-small"), SmtpServerSettings.defaults(SmtpTestServer.HOST)
        .withLimits(SmtpLimits.DEFAULTS.withMaxDataSize(1000)));
    lenient = server.listener(spec("smtp-lenient"), SmtpServerSettings.defaults(SmtpTestServer.HOST)
        .withLimits(SmtpLimits.DEFAULTS.withAllowBareLineEndingsInData(true)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static ListenerSpec spec(String name) {
    return ListenerSpec.of(name, Protocol.SMTP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
  }

  static SmtpWire open(RunningListener l) throws Exception {
    SmtpWire w = new SmtpWire(l.port());
    w.expect("220 .*");
    w.send("EHLO c.example\r\n").expect("250-.*");
    return w;
  }

  @Test
  void declaredSizeOverTheLimitIsRefusedAtMail() throws Exception {
    try (SmtpWire w = open(small)) {
      w.send("MAIL FROM:<a@c.example> SIZE=1001\r\n").expect("552 5\\.3\\.4 .*");
      w.send("MAIL FROM:<a@c.example> SIZE=1000\r\n").expect("250 .*");
    }
  }

  @Test
  void oversizedDataIsDiscardedToTheTerminatorThen552AndTheSessionGoesOn() throws Exception {
    int before = server.messages("bob@example.test").size();
    try (SmtpWire w = open(small)) {
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      StringBuilder big = new StringBuilder("Subject: big\r\n\r\n");
      for (int i = 0; i < 60; i++) {
        big.append("line ").append(i).append(" of a message that is far too long\r\n");
      }
      w.send(big + ".\r\nNOOP\r\n");
      w.expect("552 5\\.3\\.4 .*");
      w.expect("250 2\\.0\\.0 OK");
      // the transaction is over: a new one works
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send("Subject: small\r\n\r\nok\r\n.\r\n").expect("250 2\\.0\\.0 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(before + 1);
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8)).endsWith("\r\nok\r\n");
    try (var spool = Files.list(dir.resolve("spool"))) {
      assertThat(spool).as("spool files are removed").isEmpty();
    }
  }

  @Test
  void oversizedBdatChunkIsReadAndRefusedWith552() throws Exception {
    try (SmtpWire w = open(small)) {
      String chunk = "x".repeat(1500);
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<bob@example.test>\r\nBDAT 1500 LAST\r\n" + chunk
          + "NOOP\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("552 5\\.3\\.4 .*");
      w.expect("250 2\\.0\\.0 OK");
      w.send("BDAT 3 LAST\r\nabc").expect("503 5\\.5\\.1 Need MAIL command");
    }
  }

  @Test
  void smugglingLfDotLfDoesNotEndTheMessage() throws Exception {
    int bob = server.messages("bob@example.test").size();
    String smuggled = "Subject: s\r\n\r\nbody\n.\nMAIL FROM:<evil@c.example>\r\n"
        + "RCPT TO:<alice@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n";
    try (SmtpWire w = open(server.mx)) {
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send(smuggled + "NOOP\r\n");
      // one reply for the whole message (refused for its bare LFs), then the NOOP's
      w.expect("550 5\\.6\\.0 .*");
      w.expect("250 2\\.0\\.0 OK");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob);
  }

  @Test
  void whereBareLineEndingsAreAllowedTheSmuggledCommandsStayContent() throws Exception {
    int alice = server.messages("alice@example.test").size();
    String smuggled = "Subject: s\r\n\r\nbody\n.\nMAIL FROM:<evil@c.example>\r\n"
        + "RCPT TO:<alice@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n";
    try (SmtpWire w = open(lenient)) {
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send(smuggled + ".\r\nNOOP\r\n");
      w.expect("250 2\\.0\\.0 OK: delivered.*");
      w.expect("250 2\\.0\\.0 OK");
    }
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8)).endsWith(smuggled);
    assertThat(server.messages("alice@example.test")).hasSize(alice);
  }

  @Test
  void overQuotaIs552WhenTheMessageCanNeverFitAnd452WhenTheMailboxIsFull() throws Exception {
    try (SmtpWire w = open(server.mx)) {
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<tiny@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send("Subject: huge\r\n\r\n" + "y".repeat(2500) + "\r\n.\r\n").expect("552 5\\.2\\.2 .*");
      for (int i = 0; i < 2; i++) {
        w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<tiny@example.test>\r\nDATA\r\n");
        w.expect("250 .*");
        w.expect("250 .*");
        w.expect("354 .*");
        w.send("Subject: medium\r\n\r\n" + "z".repeat(900) + "\r\n.\r\n");
        w.expect(i == 0 ? "250 2\\.0\\.0 .*" : "452 4\\.2\\.2 .*");
      }
    }
    assertThat(server.messages("tiny@example.test")).hasSize(1);
  }
}
