package dev.mailgate.gateway.proxy.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.policy.LineClient;
import dev.mailgate.gateway.policy.PolicyFixture;
import dev.mailgate.gateway.pop3.Pop3TestClient;
import dev.mailgate.gateway.testing.TempDirs;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import java.util.Map;
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
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The POP3 proxy in front of the real Dovecot of the interop harness: POP3 with STLS on both legs
 * and POP3S on both legs, with Angus Mail as the client (login, LIST, RETR, DELE); a wrong password;
 * a backend that is down; PROXY v2 to Dovecot's haproxy listener.
 */
@ExtendWith(MailServersExtension.class)
class Pop3ProxyDovecotInteropTest {

  static Path dir;
  static Transport transport;
  static ServerTls tls;
  static ListenerRegistry registry;
  static BackendConnector connector;
  static int counter;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pop3-interop");
    transport = Transport.create("test-pop3-interop", 2);
    var cert = TestPki.create("gw").issue(dir, "gw", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    registry = new ListenerRegistry(transport);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    registry.close();
    tls.close();
    transport.close();
    TempDirs.deleteTree(dir);
  }

  static Backend dovecot(MailServers s, int port, BackendTlsMode mode) throws Exception {
    return connector.backend(BackendSpec.of("dovecot-" + mode + "-" + port, "127.0.0.1", port, mode)
        .withTls(ClientTlsSpec.of(new BackendTrust.CaFile(s.caFile())).withServerName("localhost")));
  }

  static int gateway(Backend backend, TlsMode mode, Pop3ProxySettings settings) {
    return registry.start(
            ListenerSpec.of("pop3-interop-" + (++counter), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0), mode),
            ListenerBinding.of(new Pop3ProxyServer(connector, BackendChooser.fixed(List.of(backend)), tls, settings), tls))
        .block(Duration.ofSeconds(10))
        .port();
  }

  /** Puts a message into the user's INBOX at Dovecot directly (IMAP APPEND). */
  static void appendAtDovecot(MailServers s, MailServers.User u, String subject) throws Exception {
    Session session = Session.getInstance(new Properties());
    try (Store store = session.getStore("imap")) {
      store.connect("127.0.0.1", s.imapPort(), u.address(), u.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(u.address()));
      m.setSubject(subject);
      m.setText("through the gateway's POP3\r\n.a line with a leading dot\r\n");
      inbox.appendMessages(new Message[] {m});
      inbox.close(false);
    }
  }

  static int countAtDovecot(MailServers s, MailServers.User u, String subject) throws Exception {
    try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
      store.connect("127.0.0.1", s.imapPort(), u.address(), u.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      int n = inbox.search(new SubjectTerm(subject)).length;
      inbox.close(false);
      return n;
    }
  }

  /** Logs in through the gateway with Angus Mail, finds the message, checks it, deletes it. */
  static void readAndDelete(Properties p, String protocol, int port, MailServers.User u, String subject) throws Exception {
    p.put("mail." + protocol + ".connectiontimeout", "10000");
    p.put("mail." + protocol + ".timeout", "10000");
    p.put("mail." + protocol + ".ssl.trust", "*");
    try (Store store = Session.getInstance(p).getStore(protocol)) {
      store.connect("localhost", port, u.address(), u.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message found = null;
      for (Message m : inbox.getMessages()) { // LIST, then TOP/RETR for the headers
        if (subject.equals(m.getSubject())) {
          found = m;
        }
      }
      assertThat(found).as("message appended at Dovecot, seen through the gateway").isNotNull();
      assertThat((String) found.getContent()).isEqualTo("through the gateway's POP3\r\n.a line with a leading dot\r\n");
      found.setFlag(Flags.Flag.DELETED, true);
      inbox.close(true); // QUIT: Dovecot expunges
    }
  }

  @Test
  void pop3WithStlsOnBothLegsListsRetrievesAndDeletes(MailServers s) throws Exception {
    String subject = "pop3 stls " + UUID.randomUUID();
    appendAtDovecot(s, MailServers.ALICE, subject);
    int port = gateway(dovecot(s, s.pop3Port(), BackendTlsMode.STARTTLS), TlsMode.STARTTLS, Pop3ProxySettings.defaults("gw.example.test"));
    Properties p = new Properties();
    p.put("mail.pop3.starttls.enable", "true");
    p.put("mail.pop3.starttls.required", "true");
    readAndDelete(p, "pop3", port, MailServers.ALICE, subject);
    assertThat(countAtDovecot(s, MailServers.ALICE, subject)).isZero();
  }

  @Test
  void pop3sOnBothLegsListsRetrievesAndDeletes(MailServers s) throws Exception {
    String subject = "pop3s " + UUID.randomUUID();
    appendAtDovecot(s, MailServers.BOB, subject);
    int port = gateway(dovecot(s, s.pop3sPort(), BackendTlsMode.IMPLICIT), TlsMode.IMPLICIT, Pop3ProxySettings.defaults("gw.example.test"));
    readAndDelete(new Properties(), "pop3s", port, MailServers.BOB, subject);
    assertThat(countAtDovecot(s, MailServers.BOB, subject)).isZero();
  }

  @Test
  void wrongPasswordIsAuthAndTheSessionStaysUsable(MailServers s) throws Exception {
    int port = gateway(dovecot(s, s.pop3Port(), BackendTlsMode.STARTTLS), TlsMode.STARTTLS, Pop3ProxySettings.defaults("gw.example.test"));
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK gw\\.example\\.test POP3 ready
          C: USER %s
          S: \\+OK.*
          C: PASS not-the-password
          S: -ERR \\[AUTH\\] invalid user name or password
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK.*
          C: STAT
          S: \\+OK \\d+ \\d+
          C: QUIT
          S: \\+OK.*
          """.formatted(MailServers.BOB.address(), MailServers.BOB.address(), MailServers.BOB.password()));
    }
  }

  @Test
  void commandsPipelinedWithPassThatTheGatewayCannotParseStillGetOneReplyEachInOrder(MailServers s)
      throws Exception {
    // LIST 0, a bare RETR and an unknown keyword, pipelined in the write with USER and PASS: the
    // gateway's decoder refuses them before the relay starts; they used to be dropped, so the
    // client waited for replies that never came and every later reply was off by two
    int port = gateway(dovecot(s, s.pop3Port(), BackendTlsMode.STARTTLS), TlsMode.STARTTLS, Pop3ProxySettings.defaults("gw.example.test"));
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      assertThat(c.line()).startsWith("+OK");
      c.write("USER " + MailServers.BOB.address() + "\r\nPASS " + MailServers.BOB.password()
          + "\r\nLIST 0\r\nRETR\r\nXYZZY\r\nSTAT\r\nNOOP\r\nQUIT\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).as("LIST 0").startsWith("-ERR");
      assertThat(c.line()).as("RETR").startsWith("-ERR");
      assertThat(c.line()).as("XYZZY").startsWith("-ERR");
      assertThat(c.line()).as("STAT").matches("\\+OK \\d+ \\d+");
      assertThat(c.line()).as("NOOP").startsWith("+OK");
      assertThat(c.line()).as("QUIT").startsWith("+OK");
    }
  }

  @Test
  void aBearerTokenForADovecotWithoutOauthIsAnUnsupportedMechanismNotSysTempAndPasswordsStillWork(MailServers s)
      throws Exception {
    int port = gateway(dovecot(s, s.pop3Port(), BackendTlsMode.STARTTLS), TlsMode.STARTTLS, Pop3ProxySettings.defaults("gw.example.test"));
    String token = java.util.Base64.getEncoder().encodeToString(("n,a=" + MailServers.BOB.address()
        + ",\u0001auth=Bearer ya29.some-token\u0001\u0001").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String plain = java.util.Base64.getEncoder().encodeToString(("\0" + MailServers.BOB.address() + "\0"
        + MailServers.BOB.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK gw\\.example\\.test POP3 ready
          C: AUTH OAUTHBEARER %s
          S: -ERR SASL mechanism not available for this account, use another
          C: AUTH PLAIN %s
          S: \\+OK.*
          C: STAT
          S: \\+OK \\d+ \\d+
          C: QUIT
          S: \\+OK.*
          """.formatted(token, plain));
    }
  }

  @Test
  void backendDownIsSysTemp(MailServers s) throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    int port = gateway(dovecot(s, dead, BackendTlsMode.STARTTLS), TlsMode.STARTTLS, Pop3ProxySettings.defaults("gw.example.test"));
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: -ERR \\[SYS/TEMP\\] backend unavailable, try again later
          C: QUIT
          S: \\+OK.*
          """.formatted(MailServers.BOB.address(), MailServers.BOB.password()));
    }
  }

  @Test
  void proxyV2IsAcceptedByDovecotsHaproxyListener(MailServers s) throws Exception {
    int port = gateway(dovecot(s, s.pop3HaproxyPort(), BackendTlsMode.NONE), TlsMode.STARTTLS,
        Pop3ProxySettings.defaults("gw.example.test").withProxyProtocol(true));
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK.*
          C: QUIT
          S: \\+OK.*
          """.formatted(MailServers.ALICE.address(), MailServers.ALICE.password()));
    }
  }

  /**
   * Commands per interval in the gateway's AUTHORIZATION dialogue, in front of the real Dovecot:
   * {@code -ERR [SYS/TEMP]} when over, pipelined; a refused PASS leaves USER standing, so the
   * client may retry it. After login the session is a byte relay (DESIGN.md "Relay") whose
   * replies are strictly ordered, so a command over the rate is not refused but waits for the
   * key's next window before reaching Dovecot: pipelined and one at a time, every reply whole and
   * in order, each wait counted as a delay under the rule's name; QUIT is never held back, but
   * comes in order after a waiting command.
   */
  @Test
  void commandsOverTheRateGetSysTempBeforeLoginAndWaitForTheNextWindowAfterIt(MailServers s)
      throws Exception {
    String rule = "commands-per-ip";
    Duration hour = Duration.ofHours(1);
    PolicyFixture f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN,
        NetworkPrefixes.DEFAULT, List.of(), List.of(new RateLimitRule(rule,
            Counter.COMMANDS, KeyScope.IP, new Rate(3, hour))),
        PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of()));
    Backend backend = dovecot(s, s.pop3Port(), BackendTlsMode.STARTTLS);
    int port = registry.start(
            ListenerSpec.of("pop3-interop-" + (++counter), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0),
                TlsMode.NONE),
            ListenerBinding.of(new Pop3ProxyServer(connector, BackendChooser.fixed(List.of(backend)), tls,
                Pop3ProxySettings.defaults("gw.example.test")), tls).withPolicies(f.gate))
        .block(Duration.ofSeconds(10))
        .port();
    MailServers.User u = MailServers.ALICE;
    try (LineClient c = new LineClient("127.0.4.10", port)) {
      assertThat(c.line()).startsWith("+OK");
      c.send("NOOP\r\nNOOP\r\nUSER " + u.address() + "\r\nPASS " + u.password() + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] too many commands, try again later");
      f.advance(hour); // the key's next window: its three permits again
      c.send("PASS " + u.password() + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      c.send("STAT\r\n");
      assertThat(c.line()).as("Dovecot's answer through the relay").startsWith("+OK");

      // Pipelined, one permit left: LIST goes, NOOP waits, UIDL waits behind it.
      c.send("LIST\r\nNOOP\r\nUIDL\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.until("\\.")).as("LIST's listing, whole").isEqualTo(".");
      Thread.sleep(500);
      assertThat(c.nothingPending()).as("NOOP waits for the next window").isTrue();
      f.releasePacedCommand(rule, 1, hour);
      assertThat(c.line()).as("NOOP").startsWith("+OK");
      assertThat(c.line()).as("UIDL").startsWith("+OK");
      assertThat(c.until("\\.")).as("UIDL's listing, whole").isEqualTo(".");

      // One at a time: the window's third command goes, its fourth waits; QUIT comes after it.
      c.send("NOOP\r\n");
      assertThat(c.line()).startsWith("+OK");
      c.send("NOOP\r\n");
      Thread.sleep(500);
      assertThat(c.nothingPending()).as("the fourth NOOP waits").isTrue();
      c.send("QUIT\r\n");
      f.releasePacedCommand(rule, 2, hour);
      assertThat(c.line()).as("the fourth NOOP").startsWith("+OK");
      assertThat(c.line()).as("QUIT").startsWith("+OK");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(f.refusals(rule)).isEqualTo(1);
    assertThat(f.delays(rule)).isEqualTo(2);
  }
}
