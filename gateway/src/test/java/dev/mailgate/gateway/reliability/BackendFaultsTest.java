package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.tls.TestPki;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends that fail at the worst moment (issue 8 item 3), in front of the real Dovecot and Postfix
 * through a {@link FaultProxy}: refused, hung, reset mid-greeting, mid-login, mid-FETCH and
 * mid-DATA, a wrong certificate, a name that does not resolve. Each gives the client PRODUCT.md's
 * backend-unavailable reply (or, once relaying, a closed connection rather than a hang), the gateway
 * serves the next session, and no message is acknowledged that the backend did not take.
 */
@ExtendWith({MailServersExtension.class, ReliabilityReport.class})
class BackendFaultsTest {

  @TempDir static Path dir;
  static MailServers servers;
  static FaultProxy imapProxy;
  static FaultProxy smtpProxy;
  static MailgateApp app;

  @BeforeAll
  static void start(MailServers s) throws Exception {
    servers = s;
    imapProxy = new FaultProxy(new InetSocketAddress("127.0.0.1", s.imapPort()));
    smtpProxy = new FaultProxy(new InetSocketAddress("127.0.0.1", s.smtpPort()));
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Path otherCa = TestPki.create("not the backend's CA").writeCa(Files.createDirectories(dir.resolve("other-ca")));
    Path config = dir.resolve("mailgate.yaml");
    // The faults are on new backend connections: every IMAP login must make one, not find a session
    // an earlier case's fresh login kept after its LOGOUT (imap_session_reuse: 0s).
    Files.writeString(config, """
        server: { hostname: gw.example.test, data_dir: "%s" }
        admin: { enabled: false }
        listeners:
          - { name: imap-faulty,   protocol: imap, bind: "127.0.0.1:0", tls: none }
          - { name: imap-refusing, protocol: imap, bind: "127.0.0.1:0", tls: none }
          - { name: imap-badcert,  protocol: imap, bind: "127.0.0.1:0", tls: none }
          - { name: imap-nxdomain, protocol: imap, bind: "127.0.0.1:0", tls: none }
          - { name: smtp-faulty,   protocol: smtp, bind: "127.0.0.1:0", tls: none }
        backends:
          - { name: faulty,   host: 127.0.0.1, ports: { imap: %d, smtp: %d }, tls: none,
              connect_timeout: 2s, greeting_timeout: 2s, imap_session_reuse: 0s }
          - { name: refusing, host: 127.0.0.1, port: %d, tls: none, connect_timeout: 2s }
          - { name: badcert,  host: 127.0.0.1, port: %d, tls: implicit, ca_file: "%s" }
          - { name: nxdomain, host: imap.backend.invalid, port: 143, tls: none, connect_timeout: 2s }
        routes:
          - { name: faulty,   match: { listeners: [imap-faulty, smtp-faulty] }, target: "backend:faulty" }
          - { name: refusing, match: { listeners: [imap-refusing] }, target: "backend:refusing" }
          - { name: badcert,  match: { listeners: [imap-badcert] }, target: "backend:badcert" }
          - { name: nxdomain, match: { listeners: [imap-nxdomain] }, target: "backend:nxdomain" }
        authentication: { mode: pass_through }
        relay: { accepted_domains: [example.test] }
        """.formatted(dir.resolve("data"), imapProxy.port(), smtpProxy.port(), dead, s.imapsPort(), otherCa));
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    imapProxy.close();
    smtpProxy.close();
  }

  private static int port(String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  /** A login through {@code listener}; returns the tagged reply. */
  private static String login(String listener, Observed seen) {
    try (Wire w = Wire.connect(port(listener)).timeout(20_000)) {
      w.expect("\\* OK .*");
      w.line("a LOGIN " + MailServers.ALICE.address() + " " + MailServers.ALICE.password());
      String reply = seen.saw(w.expectEventually("a .*", 5));
      w.line("z LOGOUT");
      return reply;
    }
  }

  private static void aFreshLoginWorks(Observed seen) {
    imapProxy.mode(new FaultProxy.Mode.Pass());
    assertThat(login("imap-faulty", seen)).startsWith("a OK");
  }

  @Test
  @Case(on = "imap proxy", input = "backend port refuses connections",
      expect = "NO [UNAVAILABLE] to LOGIN; the session stays usable")
  void aRefusingBackendIsUnavailable(Observed seen) {
    assertThat(login("imap-refusing", seen)).matches("a NO \\[UNAVAILABLE\\].*");
  }

  @Test
  @Case(on = "imap proxy", input = "backend accepts and never greets",
      expect = "NO [UNAVAILABLE] once greeting_timeout (2s) passes, not a hang; next session served")
  void aHangingBackendIsUnavailableAfterTheGreetingTimeout(Observed seen) {
    imapProxy.mode(new FaultProxy.Mode.Hang());
    long start = System.nanoTime();
    assertThat(login("imap-faulty", seen)).matches("a NO \\[UNAVAILABLE\\].*");
    seen.saw("answered after " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s");
    aFreshLoginWorks(seen);
  }

  @Test
  @Case(on = "imap proxy", input = "backend resets the connection in the middle of its greeting",
      expect = "NO [UNAVAILABLE]; next session served")
  void aResetMidGreetingIsUnavailable(Observed seen) {
    imapProxy.mode(new FaultProxy.Mode.ResetWhenBackendSends("\\* OK"));
    assertThat(login("imap-faulty", seen)).matches("a NO \\[UNAVAILABLE\\].*");
    aFreshLoginWorks(seen);
  }

  @Test
  @Case(on = "imap proxy", input = "backend resets when the gateway replays the login",
      expect = "NO [UNAVAILABLE]; next session served")
  void aResetMidLoginIsUnavailable(Observed seen) {
    imapProxy.mode(new FaultProxy.Mode.ResetWhenClientSends("(?i)(AUTHENTICATE|LOGIN) "));
    assertThat(login("imap-faulty", seen)).matches("a NO \\[UNAVAILABLE\\].*");
    assertThat(imapProxy.resets()).isPositive();
    aFreshLoginWorks(seen);
  }

  @Test
  @Case(on = "imap proxy", input = "backend resets in the middle of a 200 KB FETCH",
      expect = "the client's connection is closed (no tagged OK, no hang); next session served")
  void aResetMidFetchClosesTheClientConnection(Observed seen) throws Exception {
    String marker = "MIDFETCH-" + UUID.randomUUID();
    appendAtDovecot(marker, "x".repeat(100_000) + "\r\n" + marker + "\r\n" + "y".repeat(100_000));
    imapProxy.mode(new FaultProxy.Mode.ResetWhenBackendSends(marker));
    try (Wire w = Wire.connect(port("imap-faulty")).timeout(20_000)) {
      w.expect("\\* OK .*");
      w.line("a LOGIN " + MailServers.ALICE.address() + " " + MailServers.ALICE.password());
      w.expectEventually("a OK.*", 5);
      w.line("b SELECT INBOX");
      w.expectEventually("b OK.*", 50);
      w.line("c UID SEARCH SUBJECT \"" + marker + "\"");
      String uid = w.expectEventually("\\* SEARCH [0-9]+", 5).substring("* SEARCH ".length());
      w.expectEventually("c OK.*", 5);
      w.line("d UID FETCH " + uid + " BODY.PEEK[]");
      String rest = w.readUntilClosed();
      seen.saw("closed after " + rest.length() + " bytes of the FETCH");
      assertThat(rest).doesNotContain("d OK");
    }
    aFreshLoginWorks(seen);
  }

  @Test
  @Case(on = "imap proxy", input = "backend presents a certificate from another CA (implicit TLS)",
      expect = "NO [UNAVAILABLE]; nothing sent to the impostor")
  void aWrongBackendCertificateIsUnavailable(Observed seen) {
    assertThat(login("imap-badcert", seen)).matches("a NO \\[UNAVAILABLE\\].*");
  }

  @Test
  @Case(on = "imap proxy", input = "backend host name does not resolve",
      expect = "NO [UNAVAILABLE]")
  void anUnresolvableBackendIsUnavailable(Observed seen) {
    assertThat(login("imap-nxdomain", seen)).matches("a NO \\[UNAVAILABLE\\].*");
  }

  @Test
  @Case(on = "smtp relay -> Postfix", input = "10 messages; Postfix's connection reset in the middle of the 4th one's DATA",
      expect = "451 for the 4th, 250 for the others; every 250'd message is in Dovecot, the 451'd one is not")
  void aResetMidDataGivesNo250AndEveryAcknowledgedMessageArrives(Observed seen) throws Exception {
    String run = UUID.randomUUID().toString();
    List<String> acknowledged = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String subject = "fault " + run + " #" + i;
      String body = i == 3 ? "POISON-" + run : "fine";
      smtpProxy.mode(i == 3 ? new FaultProxy.Mode.ResetWhenClientSends("POISON-" + run) : new FaultProxy.Mode.Pass());
      try (Wire w = Wire.connect(port("smtp-faulty")).timeout(30_000)) {
        w.expectReply("220 .*");
        w.line("EHLO faults.example");
        w.expectReply("250.*");
        w.line("MAIL FROM:<sender@elsewhere.example>");
        w.expectReply("250.*");
        w.line("RCPT TO:<" + MailServers.ALICE.address() + ">");
        w.expectReply("250.*");
        w.line("DATA");
        w.expectReply("354.*");
        w.send("Subject: " + subject + "\r\n\r\n" + ("z".repeat(76) + "\r\n").repeat(260) + body + "\r\n.\r\n");
        String reply = w.smtpReply();
        (reply.startsWith("250") ? acknowledged : refused).add(subject);
        if (i == 3) {
          seen.saw(reply);
          assertThat(reply).startsWith("451");
        }
      }
    }
    seen.saw(acknowledged.size() + " acknowledged, " + refused.size() + " refused");
    assertThat(acknowledged).hasSize(9);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (String subject : acknowledged) {
        assertThat(countAtDovecot(subject)).as(subject).isEqualTo(1);
      }
    });
    assertThat(countAtDovecot(refused.get(0))).isZero();
  }

  private static void appendAtDovecot(String subject, String body) throws Exception {
    Session session = Session.getInstance(new Properties());
    Store store = session.getStore("imap");
    store.connect("127.0.0.1", servers.imapPort(), MailServers.ALICE.address(), MailServers.ALICE.password());
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(MailServers.ALICE.address()));
      m.setSubject(subject);
      m.setText(body);
      m.setFlags(new Flags(Flags.Flag.SEEN), true);
      store.getFolder("INBOX").appendMessages(new Message[] {m});
    } finally {
      store.close();
    }
  }

  private static int countAtDovecot(String subject) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", servers.imapPort(), MailServers.ALICE.address(), MailServers.ALICE.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      int n = inbox.search(new SubjectTerm(subject)).length;
      inbox.close(false);
      return n;
    } finally {
      store.close();
    }
  }
}
