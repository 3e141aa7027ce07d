package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real SMTP clients against the listeners: Angus Mail (Jakarta Mail) and swaks. */
class SmtpRealClientsTest {
  @TempDir static Path dir;
  static SmtpTestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SmtpTestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static MimeMessage message(Session session, String subject) throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("alice@example.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
    m.setSubject(subject, "UTF-8");
    m.setText("Hello Bob,\r\n.leading dot\r\ncaf\u00e9\r\n", "UTF-8");
    return m;
  }

  @Test
  void angusMailSubmitsWithStarttlsAndAuth() throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", Integer.toString(server.submission.port()));
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.ssl.trust", "*");
    p.put("mail.smtp.ssl.checkserveridentity", "false");
    p.put("mail.smtp.timeout", "10000");
    Session session = Session.getInstance(p);
    int before = server.messages("bob@example.test").size();
    Transport.send(message(session, "via angus starttls"), "alice@example.test",
        SmtpTestServer.ALICE_PASSWORD);
    assertThat(server.messages("bob@example.test")).hasSize(before + 1);
    String stored = new String(server.lastMessage("bob@example.test"), UTF_8);
    assertThat(stored).startsWith("Return-Path: <alice@example.test>\r\nReceived: ")
        .contains(" with ESMTPSA id ").contains("Subject: via angus starttls")
        .contains("\r\n.leading dot\r\n");
  }

  @Test
  void angusMailSubmitsOverImplicitTls() throws Exception {
    Properties p = new Properties();
    p.put("mail.smtps.host", "127.0.0.1");
    p.put("mail.smtps.port", Integer.toString(server.smtps.port()));
    p.put("mail.smtps.auth", "true");
    p.put("mail.smtps.ssl.trust", "*");
    p.put("mail.smtps.ssl.checkserveridentity", "false");
    p.put("mail.smtps.timeout", "10000");
    Session session = Session.getInstance(p);
    int before = server.messages("bob@example.test").size();
    try (Transport t = session.getTransport("smtps")) {
      t.connect("alice@example.test", SmtpTestServer.ALICE_PASSWORD);
      MimeMessage m = message(session, "via angus smtps");
      t.sendMessage(m, m.getAllRecipients());
    }
    assertThat(server.messages("bob@example.test")).hasSize(before + 1);
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8))
        .contains("Subject: via angus smtps").contains("(using TLSv1.3 with cipher ");
  }

  @Test
  void angusMailWithWrongPasswordGetsAuthenticationFailed() throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", Integer.toString(server.submission.port()));
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.ssl.trust", "*");
    p.put("mail.smtp.ssl.checkserveridentity", "false");
    Session session = Session.getInstance(p);
    try {
      Transport.send(message(session, "nope"), "alice@example.test", "wrong");
      throw new AssertionError("sent with a wrong password");
    } catch (jakarta.mail.AuthenticationFailedException e) {
      assertThat(e.getMessage()).contains("535 5.7.8");
    }
  }

  @Test
  void swaksDeliversWithStarttlsAndAuthPlain() throws Exception {
    int before = server.messages("bob@example.test").size();
    Process swaks = new ProcessBuilder("swaks", "--server", "127.0.0.1",
        "--port", Integer.toString(server.submission.port()), "--tls",
        "--auth", "PLAIN", "--auth-user", "alice@example.test",
        "--auth-password", SmtpTestServer.ALICE_PASSWORD,
        "--from", "alice@example.test", "--to", "bob@example.test",
        "--header", "Subject: via swaks", "--body", "Hello from swaks",
        "--helo", "swaks.example", "--timeout", "20")
        .redirectErrorStream(true).start();
    String out = new String(swaks.getInputStream().readAllBytes(), UTF_8);
    assertThat(swaks.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(swaks.exitValue()).as(out).isZero();
    assertThat(out).contains("<-  220 2.0.0 Ready to start TLS").contains("235 2.7.0")
        .contains("<~  250 2.0.0 OK: delivered");
    assertThat(server.messages("bob@example.test")).hasSize(before + 1);
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8))
        .contains("Received: from swaks.example ([127.0.0.1])").contains("Subject: via swaks");
  }

  @Test
  void swaksPipelinesOnTheMxListenerWithoutAuth() throws Exception {
    int before = server.messages("alice@example.test").size();
    Process swaks = new ProcessBuilder("swaks", "--server", "127.0.0.1",
        "--port", Integer.toString(server.mx.port()), "--tls", "--pipeline",
        "--from", "someone@remote.example", "--to", "postmaster@example.test",
        "--header", "Subject: pipelined swaks", "--helo", "remote.example", "--timeout", "20")
        .redirectErrorStream(true).start();
    String out = new String(swaks.getInputStream().readAllBytes(), UTF_8);
    assertThat(swaks.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(swaks.exitValue()).as(out).isZero();
    assertThat(server.messages("alice@example.test")).hasSize(before + 1);
  }
}
