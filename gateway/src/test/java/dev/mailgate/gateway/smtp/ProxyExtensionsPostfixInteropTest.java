package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SMTP proxy tier advertises in EHLO whatever the backend supports (SMTPUTF8, OAUTHBEARER,
 * XOAUTH2), used by a client through {@code examples/front-dovecot-postfix.yaml} in front of the
 * interop harness's real Postfix, which has {@code smtputf8_enable = no} and offers only PLAIN and
 * LOGIN. The client must get the standard refusal, and the session must stay usable.
 */
@ExtendWith(MailServersExtension.class)
class ProxyExtensionsPostfixInteropTest {

  private static final Path EXAMPLE = Path.of("..", "examples", "front-dovecot-postfix.yaml");

  @TempDir static Path data;
  static MailgateApp app;
  static int offset;

  @BeforeAll
  static void start(MailServers servers) {
    offset = FreePorts.offsetFor(FreePorts.EMBEDDED);
    Map<String, String> env = Map.of(
        "MAILGATE_DATA", data.toString(),
        "DOVECOT_HOST", "127.0.0.1",
        "DOVECOT_IMAP_PORT", Integer.toString(servers.imapPort()),
        "DOVECOT_POP3_PORT", Integer.toString(servers.pop3Port()),
        "POSTFIX_HOST", "127.0.0.1",
        "POSTFIX_SMTP_PORT", Integer.toString(servers.smtpPort()),
        "POSTFIX_SUBMISSION_PORT", Integer.toString(servers.submissionPort()),
        "BACKEND_CA_FILE", servers.caFile().toString(),
        "ACCEPTED_DOMAINS", "example.test");
    app = MailgateApp.start(new AppOptions(Optional.of(EXAMPLE), env, offset, Duration.ofSeconds(5), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void smtputf8TowardsABackendWithoutItIsRefusedWith553And567AndTheSessionGoesOn(MailServers servers)
      throws Exception {
    String subject = "after-utf8 " + UUID.randomUUID();
    try (SmtpWire c = new SmtpWire(3025 + offset)) {
      c.expect("220 .*");
      c.send("EHLO client.example\r\n").expect("250.*SMTPUTF8.*");
      c.send("MAIL FROM:<jörg@elsewhere.example> SMTPUTF8\r\n").expect("250 .*");
      c.send("RCPT TO:<" + MailServers.ALICE.address() + ">\r\n").expect("553 5\\.6\\.7 .*");
      c.send("DATA\r\n").expect("5[05]4 .*");
      c.send("RSET\r\n").expect("250 .*");
      c.send("MAIL FROM:<stranger@elsewhere.example>\r\n").expect("250 .*");
      c.send("RCPT TO:<" + MailServers.ALICE.address() + ">\r\n").expect("250 .*");
      c.send("DATA\r\n").expect("354 .*");
      c.send("Subject: " + subject + "\r\n\r\nplain ASCII\r\n.\r\n").expect("250 .*queued as.*");
      c.send("QUIT\r\n").expect("221 .*");
    }
    assertThat(Files.readString(servers.postfixLog())).doesNotContain("jörg");
  }

  @Test
  void oauthbearerTowardsABackendWithoutItIsAnUnsupportedMechanismNotATemporaryFailure() throws Exception {
    String token = "n,a=" + MailServers.ALICE.address() + ",\u0001host=localhost\u0001port=3587\u0001"
        + "auth=Bearer ya29.some-token\u0001\u0001";
    String plain = "\0" + MailServers.ALICE.address() + "\0" + MailServers.ALICE.password();
    try (SmtpWire c = new SmtpWire(3587 + offset)) {
      c.expect("220 .*");
      c.send("EHLO client.example\r\n").expect("250.*AUTH .*OAUTHBEARER.*");
      c.send("AUTH OAUTHBEARER " + Base64.getEncoder().encodeToString(token.getBytes(UTF_8)) + "\r\n")
          .expect("504 5\\.5\\.4 .*");
      c.send("AUTH XOAUTH2 " + Base64.getEncoder().encodeToString(
              ("user=" + MailServers.ALICE.address() + "\u0001auth=Bearer ya29.x\u0001\u0001").getBytes(UTF_8)) + "\r\n")
          .expect("504 5\\.5\\.4 .*");
      c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(UTF_8)) + "\r\n")
          .expect("235 .*");
      c.send("QUIT\r\n").expect("221 .*");
    }
  }
}
