package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.RunningListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same hostile input against the proxy tier: a gateway configured like {@code
 * examples/front-dovecot-postfix.yaml} in front of the interop harness's real Dovecot (IMAP, POP3)
 * and Postfix (SMTP, submission). The pre-login dialogue is the gateway's own, so it must answer
 * with the standard replies and keep junk away from the backends; a real login through the same
 * session still reaches Dovecot afterwards.
 */
@ExtendWith({MailServersExtension.class, ReliabilityReport.class})
class ProxyTierBadInputTest {
  private static final MailServers.User ALICE = MailServers.ALICE;
  @TempDir static Path dir;
  static MailgateApp app;

  @BeforeAll
  static void start(MailServers servers) throws Exception {
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, "server: { hostname: localhost, data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: smtp,       protocol: smtp,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: submission, protocol: submission, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: imap,       protocol: imap,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: pop3,       protocol: pop3,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "backends:\n"
        + "  - { name: dovecot, host: 127.0.0.1, ports: { imap: " + servers.imapPort() + ", pop3: " + servers.pop3Port()
        + " }, tls: starttls, ca_file: \"" + servers.caFile() + "\" }\n"
        + "  - { name: postfix, host: 127.0.0.1, ports: { smtp: " + servers.smtpPort() + ", submission: "
        + servers.submissionPort() + " }, tls: starttls, ca_file: \"" + servers.caFile() + "\" }\n"
        + "routes:\n"
        + "  - { name: mx, match: { listeners: [smtp] }, target: \"backend:postfix\" }\n"
        + "  - { name: submission, match: { protocols: [submission] }, target: \"backend:postfix\" }\n"
        + "  - { name: mailboxes, match: { protocols: [imap, pop3] }, target: \"backend:dovecot\" }\n"
        + "authentication: { mode: pass_through }\n"
        + "relay: { accepted_domains: [example.test] }\n");
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static int port(String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  @Test
  @Case(on = "imap proxy -> Dovecot", input = "70,000-byte line, literal {4294967296} announced, NUL, 8-bit junk, all before login",
      expect = "BAD [TOOBIG] / BAD [TOOBIG] / BAD / BAD, then LOGIN in the same session reaches Dovecot: OK")
  void imapProxyAnswersJunkBeforeLoginAndTheLoginStillWorks(Observed seen) {
    try (Wire w = Wire.connect(port("imap"))) {
      w.expect("\\* OK .*");
      w.line("a NOOP " + "x".repeat(70_000));
      seen.saw(w.expect("(a|\\*) BAD \\[TOOBIG\\].*"));
      w.line("b LOGIN {4294967296}");
      seen.saw(w.expect("b BAD \\[TOOBIG\\].*"));
      w.send("c LOGIN al\0ice x\r\n");
      seen.saw(w.expect("(c|\\*) BAD.*"));
      w.send(new byte[] {(byte) 0x80, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
      seen.saw(w.expect("\\* BAD.*|.* BAD.*"));
      w.line("d LOGIN " + ALICE.address() + " " + ALICE.password());
      seen.saw(w.expectEventually("d .*", 10));
      assertThat(seen.text()).contains("d OK");
      w.line("e SELECT INBOX").expectEventually("e OK.*", 50);
      w.line("f LOGOUT");
    }
  }

  @Test
  @Case(on = "imap proxy -> Dovecot", input = "STARTTLS and LOGIN pipelined in one write; 2,000 NOOPs in one write before login",
      expect = "the plaintext LOGIN is discarded (no reply to it after TLS); every NOOP answered OK by the gateway")
  void imapProxyDiscardsPipelinedPlaintextAndAnswersAFlood(Observed seen) {
    try (Wire w = Wire.connect(port("imap"))) {
      w.expect("\\* OK .*");
      int n = 2000;
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append('n').append(i).append(" NOOP\r\n");
      }
      w.send(b.toString());
      int ok = 0;
      for (int i = 0; i < n; i++) {
        if (w.expectEventually("n[0-9]+ .*", 5).startsWith("n" + i + " OK")) {
          ok++;
        }
      }
      seen.saw(ok + " x OK");
      assertThat(ok).isEqualTo(n);
      w.send("a STARTTLS\r\nb LOGIN " + ALICE.address() + " " + ALICE.password() + "\r\n");
      w.expect("a OK.*");
      w.startTls();
      w.line("c NOOP");
      seen.saw(w.expectEventually("[a-z] .*", 5));
      assertThat(seen.text()).contains("c OK").doesNotContain("b OK");
    }
  }

  @Test
  @Case(on = "pop3 proxy -> Dovecot", input = "5,000-byte line, NUL, malformed AUTH PLAIN, STLS with USER pipelined",
      expect = "-ERR each, USER discarded (PASS after TLS gets -ERR), then USER/PASS reaches Dovecot: +OK")
  void pop3ProxyAnswersJunkBeforeLoginAndTheLoginStillWorks(Observed seen) {
    try (Wire w = Wire.connect(port("pop3"))) {
      w.expect("\\+OK.*");
      w.line("USER " + "x".repeat(5000));
      seen.saw(w.expect("-ERR.*"));
      w.send("USER al\0ice\r\n");
      seen.saw(w.expect("-ERR.*"));
      w.line("AUTH PLAIN !!!not*base64!!!");
      seen.saw(w.expect("-ERR.*"));
      w.send("STLS\r\nUSER " + ALICE.address() + "\r\n");
      w.expect("\\+OK.*");
      w.startTls();
      w.line("PASS " + ALICE.password());
      seen.saw(w.expect("-ERR.*"));
      w.line("USER " + ALICE.address()).expect("\\+OK.*");
      w.line("PASS " + ALICE.password());
      seen.saw(w.expect("\\+OK.*"));
      w.line("QUIT").expect("\\+OK.*");
    }
  }

  @Test
  @Case(on = "smtp proxy -> Postfix", input = "5,000-byte line, NUL, bare LF command, DATA with <LF>.<LF> and a smuggled MAIL",
      expect = "500 5.5.6 / 5xx / 500 5.5.2; the smuggling message refused at CRLF.CRLF (550 5.6.0), next NOOP answered 250")
  void smtpProxyAnswersJunkAndRefusesSmuggling(Observed seen) {
    try (Wire w = Wire.connect(port("smtp"))) {
      w.expectReply("220 .*");
      w.line("EHLO " + "x".repeat(5000));
      seen.saw(w.expectReply("500 5\\.5\\.6 .*"));
      w.send("EHLO cli\0ent.test\r\n");
      seen.saw(w.expectReply("50[01] 5\\.5\\.[0-9] .*"));
      w.line("EHLO client.test").expectReply("250.*");
      w.send("MAIL FROM:<a@elsewhere.test>\nRCPT TO:<" + ALICE.address() + ">\r\n");
      seen.saw(w.expectReply("500 5\\.5\\.2 .*"));
      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250.*");
      w.line("RCPT TO:<" + ALICE.address() + ">").expectReply("250.*");
      w.line("DATA").expectReply("354.*");
      w.send("Subject: outer\r\n\r\nbody\n.\nMAIL FROM:<forged@example.test>\r\nRCPT TO:<" + ALICE.address()
          + ">\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
      seen.saw(w.expectReply("5[0-9][0-9] .*"));
      w.line("NOOP").expectReply("250.*");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"<victim@foreign.test>", "<victim%foreign.test@example.test>", "<@example.test:victim@foreign.test>",
      "<\"victim@foreign.test\"@example.test>", "<foreign.test!victim@example.test>", "<victim@[192.0.2.1]>"})
  @Case(on = "smtp proxy -> Postfix (accepted domain example.test)", input = "unauthenticated RCPT TO the address shown",
      expect = "a 5xx reply from the gateway or Postfix; never 2xx")
  void theProxyTierIsNoOpenRelay(String rcpt, Observed seen) {
    try (Wire w = Wire.connect(port("smtp"))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250.*");
      w.line("RCPT TO:" + rcpt);
      seen.saw(w.expectReply("5[0-9][0-9] .*"));
    }
    try (Wire w = Wire.connect(port("submission"))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<" + ALICE.address() + ">");
      String r = w.smtpReply();
      if (r.startsWith("250")) {
        w.line("RCPT TO:" + rcpt);
        r = w.smtpReply();
      }
      seen.saw("submission: " + r);
      assertThat(r).matches("5[0-9][0-9] .*");
    }
  }
}
