package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.session.DrainReport;
import dev.mailgate.gateway.session.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Kick and drain of sessions the proxy tier relays to the real Dovecot (IMAP, POP3) and Postfix
 * (SMTP) of the interop harness, and of local POP3 sessions, over real sockets: each gets its
 * protocol's goodbye at a safe point (after the response in flight, never inside a literal, a
 * multi-line body or DATA), then the connection closes. Each test starts its own gateway (a drain
 * ends it).
 */
@ExtendWith({MailServersExtension.class, ReliabilityReport.class})
class ProxyTierGoodbyeTest {
  private static final MailServers.User ALICE = MailServers.ALICE;
  private static final String LOCAL_USER = "me@example.org";
  private static final String LOCAL_PASSWORD = "Goodbye-local-pw";
  /** Larger than the socket buffers of both legs, so the response is in flight when the drain comes. */
  private static final int BIG = 6 * 1024 * 1024;

  @TempDir Path dir;

  private MailgateApp start(MailServers servers) throws Exception {
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, "server: { hostname: localhost, data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: smtp,       protocol: smtp, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: imap,       protocol: imap, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: pop3,       protocol: pop3, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: pop3-local, protocol: pop3, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "backends:\n"
        + "  - { name: dovecot, host: 127.0.0.1, ports: { imap: " + servers.imapPort() + ", pop3: " + servers.pop3Port()
        + " }, tls: starttls, ca_file: \"" + servers.caFile() + "\" }\n"
        + "  - { name: postfix, host: 127.0.0.1, ports: { smtp: " + servers.smtpPort() + " }, tls: starttls, ca_file: \""
        + servers.caFile() + "\" }\n"
        + "routes:\n"
        + "  - { name: mx, match: { listeners: [smtp] }, target: \"backend:postfix\" }\n"
        + "  - { name: mailboxes, match: { listeners: [imap, pop3] }, target: \"backend:dovecot\" }\n"
        + "  - { name: local-pop3, match: { listeners: [pop3-local] }, target: local }\n"
        + "authentication: { mode: pass_through }\n"
        + "relay: { accepted_domains: [example.test] }\n");
    MailgateApp app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(20), false),
        ProtocolHandlers.standard());
    app.context().users().add(LOCAL_USER, LOCAL_PASSWORD.toCharArray()).block(Duration.ofSeconds(60));
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> app.context().store().quota(LOCAL_USER).block(Duration.ofSeconds(5)) != null);
    return app;
  }

  private static int port(MailgateApp app, String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  private static Wire imapLoggedIn(MailgateApp app) {
    Wire w = Wire.connect(port(app, "imap"));
    w.expect("\\* OK .*");
    w.line("a LOGIN " + ALICE.address() + " " + ALICE.password());
    w.expectEventually("a OK.*", 10);
    return w;
  }

  private static Wire pop3LoggedIn(int port, String user, String password) {
    Wire w = Wire.connect(port);
    w.expect("\\+OK.*");
    w.line("USER " + user).expect("\\+OK.*");
    w.line("PASS " + password).expect("\\+OK.*");
    return w;
  }

  /** The session record of the only session on {@code listener}, once it has logged in. */
  private static SessionRecord session(MailgateApp app, String listener) {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> app.context().sessions().all().stream()
            .filter(r -> r.listener().equals(listener) && r.user() != null && !r.isEnded())
            .findFirst().orElse(null),
        r -> r != null);
  }

  @Test
  @Case(on = "imap, pop3 proxy -> Dovecot; local pop3; smtp relay -> Postfix",
      input = "admin kick of an IMAP session in IDLE, a relayed POP3 session and a local POP3 session; an SMTP relay transaction",
      expect = "* BYE / -ERR [SYS/TEMP] then close; the SMTP session names its backend (postfix:smtp) once RCPT opened it")
  void kickedRelayedSessionsSayGoodbyeAndTheSmtpRelayNamesItsBackend(MailServers servers, Observed seen)
      throws Exception {
    try (MailgateApp app = start(servers)) {
      try (Wire imap = imapLoggedIn(app)) {
        imap.line("b SELECT INBOX").expectEventually("b OK.*", 50);
        imap.line("c IDLE").expectEventually("\\+ .*", 10);
        app.context().sessions().kick(session(app, "imap"));
        seen.saw(imap.expectEventually("\\* BYE .*", 10));
        assertThat(imap.closedByServer()).as("closed after BYE").isTrue();
      }
      try (Wire pop3 = pop3LoggedIn(port(app, "pop3"), ALICE.address(), ALICE.password())) {
        pop3.line("STAT").expect("\\+OK.*");
        app.context().sessions().kick(session(app, "pop3"));
        seen.saw(pop3.expect("-ERR \\[SYS/TEMP\\] .*"));
        assertThat(pop3.closedByServer()).isTrue();
      }
      try (Wire local = pop3LoggedIn(port(app, "pop3-local"), LOCAL_USER, LOCAL_PASSWORD)) {
        app.context().sessions().kick(session(app, "pop3-local"));
        seen.saw(local.expect("-ERR \\[SYS/TEMP\\] .*"));
        assertThat(local.closedByServer()).isTrue();
      }
      try (Wire smtp = Wire.connect(port(app, "smtp"))) {
        smtp.expectReply("220 .*");
        smtp.line("EHLO client.test").expectReply("250.*");
        smtp.line("MAIL FROM:<someone@elsewhere.test>").expectReply("250.*");
        smtp.line("RCPT TO:<" + ALICE.address() + ">").expectReply("250.*");
        SessionRecord r = app.context().sessions().all().stream()
            .filter(s -> s.listener().equals("smtp") && !s.isEnded()).findFirst().orElseThrow();
        seen.saw("smtp session backend: " + r.snapshot().backend());
        assertThat(r.snapshot().backend()).isEqualTo("postfix:smtp");
        smtp.line("QUIT").expectReply("221.*");
      }
    }
  }

  @Test
  @Case(on = "imap, pop3 proxy -> Dovecot; local pop3; smtp relay -> Postfix",
      input = "drain with open sessions: IMAP IDLE, an unread 6 MB IMAP FETCH, an unread 6 MB POP3 RETR, a relayed and a local "
          + "POP3 session between commands, an IMAP client before login, an SMTP relay in the middle of DATA",
      expect = "the FETCH and RETR arrive whole, then * BYE [UNAVAILABLE] / -ERR [SYS/TEMP]; idle ones get it at once; DATA ends "
          + "with Postfix's 250, then 421 4.3.2; all close; none forced at the drain timeout")
  void aDrainLetsRelayedResponsesAndDataFinishThenSaysGoodbye(MailServers servers, Observed seen) throws Exception {
    try (MailgateApp app = start(servers)) {
      String body = "Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(BIG / 1000);
      long uid;
      try (Wire w = imapLoggedIn(app)) {
        w.line("b APPEND INBOX {" + body.length() + "}").expectEventually("\\+.*", 5);
        w.send(body).line("");
        Matcher m = Pattern.compile("b OK \\[APPENDUID [0-9]+ ([0-9]+)\\].*").matcher(w.expectEventually("b .*", 5));
        assertThat(m.matches()).isTrue();
        uid = Long.parseLong(m.group(1));
        w.line("z LOGOUT");
      }
      Wire idle = imapLoggedIn(app);
      idle.line("b SELECT INBOX").expectEventually("b OK.*", 50);
      idle.line("c IDLE").expectEventually("\\+ .*", 10);
      Wire fetch = imapLoggedIn(app);
      fetch.line("b SELECT INBOX").expectEventually("b OK.*", 50);
      fetch.line("c UID FETCH " + uid + " BODY.PEEK[]"); // not read until the drain was asked
      Wire pop3 = pop3LoggedIn(port(app, "pop3"), MailServers.BOB.address(), MailServers.BOB.password());
      Wire local = pop3LoggedIn(port(app, "pop3-local"), LOCAL_USER, LOCAL_PASSWORD);
      Wire preLogin = Wire.connect(port(app, "imap"));
      preLogin.expect("\\* OK .*");
      Wire smtp = Wire.connect(port(app, "smtp"));
      smtp.expectReply("220 .*");
      smtp.line("EHLO client.test").expectReply("250.*");
      smtp.line("MAIL FROM:<someone@elsewhere.test>").expectReply("250.*");
      smtp.line("RCPT TO:<" + ALICE.address() + ">").expectReply("250.*");
      smtp.line("DATA").expectReply("354.*");
      smtp.send("Subject: relayed during a drain\r\n\r\nstill delivered\r\n");
      // last: Dovecot's pop3-login, which carries the TLS of its sessions, is slow to take new
      // logins while a RETR it relays waits to be read
      Wire retr = pop3LoggedIn(port(app, "pop3"), ALICE.address(), ALICE.password());
      int n = messageOfSize(retr, body.length());
      retr.line("RETR " + n);

      Mono<DrainReport> drained = app.drain().cache();
      drained.subscribe();

      seen.saw("idle: " + idle.expectEventually("\\* BYE .*", 10));
      assertThat(idle.closedByServer()).isTrue();
      seen.saw("pop3: " + pop3.expect("-ERR \\[SYS/TEMP\\] .*"));
      assertThat(pop3.closedByServer()).isTrue();
      seen.saw("local pop3: " + local.expect("-ERR \\[SYS/TEMP\\] .*"));
      assertThat(local.closedByServer()).isTrue();
      seen.saw("pre-login: " + preLogin.expect("\\* BYE \\[UNAVAILABLE\\] .*"));
      assertThat(preLogin.closedByServer()).isTrue();

      String fetched = fetch.readUntilClosed();
      assertThat(fetched).contains("{" + body.length() + "}\r\n" + body)
          .matches("(?s).*\r\nc OK [^\r\n]*\r\n\\* BYE \\[UNAVAILABLE\\] [^\r\n]*\r\n");
      seen.saw("fetch: " + body.length() + " octets whole, then c OK, then * BYE [UNAVAILABLE]");

      String retrieved = retr.readUntilClosed();
      assertThat(retrieved).startsWith("+OK").contains(body)
          .endsWith("\r\n.\r\n-ERR [SYS/TEMP] Server shutting down, please reconnect\r\n");
      seen.saw("retr: body whole, then the dot line, then -ERR [SYS/TEMP]");

      smtp.line(".");
      seen.saw("smtp: " + smtp.expectReply("250.*"));
      seen.saw(smtp.expectReply("421 4\\.3\\.2.*"));
      assertThat(smtp.closedByServer()).isTrue();

      DrainReport report = drained.block(Duration.ofSeconds(60));
      seen.saw(report.asked() + " sessions asked, " + report.forced() + " forced");
      assertThat(report.forced()).as("no session had to be forced closed").isZero();
      for (Wire w : new Wire[] {idle, fetch, retr, pop3, local, preLogin, smtp}) {
        w.close();
      }
    }
  }

  /** The POP3 number of the message of {@code octets} (LIST). */
  private static int messageOfSize(Wire w, int octets) {
    w.line("LIST").expect("\\+OK.*");
    int found = -1;
    for (String l; !(l = w.readLine()).equals("."); ) {
      String[] f = l.split(" ");
      if (Integer.parseInt(f[1]) == octets) {
        found = Integer.parseInt(f[0]);
      }
    }
    assertThat(found).as("the appended message in the POP3 listing").isPositive();
    return found;
  }
}
