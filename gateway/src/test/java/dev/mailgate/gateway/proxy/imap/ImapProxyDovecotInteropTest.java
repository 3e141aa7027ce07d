package dev.mailgate.gateway.proxy.imap;

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
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The IMAP proxy in front of the real Dovecot of the interop harness, driven by Angus Mail: IMAPS
 * and IMAP+STARTTLS to the gateway, STARTTLS from the gateway to Dovecot, the client conveyed by
 * IMAP ID (and by PROXY v2 to Dovecot's haproxy listener). Clients connect from other loopback
 * addresses (127.0.0.2...) so that Dovecot's log can only show them if the gateway conveyed them.
 */
@ExtendWith(MailServersExtension.class)
class ImapProxyDovecotInteropTest {

  @TempDir static Path dir;
  static Transport transport;
  static ServerTls tls;
  static BackendConnector connector;
  static ListenerRegistry registry;

  @BeforeAll
  static void startGateway() throws Exception {
    transport = Transport.create("test-imap-interop", 2);
    var cert = TestPki.create("gw").issue(dir, "gw", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
    registry = new ListenerRegistry(transport);
  }

  @AfterAll
  static void stopGateway() {
    registry.close();
    tls.close();
    transport.close();
  }

  /** Starts a gateway listener in front of {@code spec}; returns its port. */
  static int gateway(String name, TlsMode mode, BackendSpec spec, ClientConveyance conveyance) throws Exception {
    Backend b = connector.backend(spec);
    BackendChooser chooser = (user, client) -> Mono.just(List.of(ImapBackend.of(b, conveyance)));
    ImapProxyHandler handler =
        ImapProxyHandler.create(ImapProxySettings.defaults("gw.test"), chooser, connector, tls, null);
    ListenerSpec l = ListenerSpec.of(name, Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), mode);
    return registry.start(l, ListenerBinding.of(handler, tls)).block(Duration.ofSeconds(10)).port();
  }

  static BackendSpec dovecotStartTls(MailServers servers, String name) {
    return BackendSpec.of(name, "127.0.0.1", servers.imapPort(), BackendTlsMode.STARTTLS)
        .withTls(ClientTlsSpec.of(new BackendTrust.CaFile(servers.caFile())));
  }

  static Properties clientProps(String protocol, String localAddress) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    Properties p = new Properties();
    p.put("mail." + protocol + ".ssl.socketFactory", ctx.getSocketFactory());
    p.put("mail." + protocol + ".connectiontimeout", "10000");
    p.put("mail." + protocol + ".timeout", "15000");
    p.put("mail." + protocol + ".localaddress", localAddress);
    if (protocol.equals("imap")) {
      p.put("mail.imap.starttls.enable", "true");
      p.put("mail.imap.starttls.required", "true");
    }
    return p;
  }

  static MimeMessage message(Session s, String subject) throws Exception {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress(MailServers.BOB.address()));
    m.setRecipients(Message.RecipientType.TO, MailServers.BOB.address());
    m.setSubject(subject);
    m.setText("through the gateway\r\n");
    return m;
  }

  @Test
  void imapsLoginListSelectAppendFetchAndTheRealClientAddressReachesDovecot(MailServers servers) throws Exception {
    int port = gateway("imaps-id", TlsMode.IMPLICIT, dovecotStartTls(servers, "dovecot-starttls"), ClientConveyance.IMAP_ID);
    Session s = Session.getInstance(clientProps("imaps", "127.0.0.2"));
    String subject = "gw " + UUID.randomUUID();
    try (Store store = s.getStore("imaps")) {
      store.connect("127.0.0.1", port, MailServers.BOB.address(), MailServers.BOB.password());
      assertThat(store.getDefaultFolder().list("*")).extracting(Folder::getName).contains("INBOX");
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      inbox.appendMessages(new Message[] {message(s, subject)});
      Message[] found = inbox.search(new SubjectTerm(subject));
      assertThat(found).hasSize(1);
      assertThat(((String) found[0].getContent()).trim()).isEqualTo("through the gateway");
      inbox.close(false);
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(Files.readString(servers.dovecotLog()))
            .containsPattern("Login: user=<bob@example.test>, method=PLAIN, rip=127\\.0\\.0\\.2,"));
  }

  @Test
  void starttlsThroughTheGatewayAndIdleSeesANewMessage(MailServers servers) throws Exception {
    int port = gateway("imap-starttls", TlsMode.STARTTLS, dovecotStartTls(servers, "dovecot-starttls"), ClientConveyance.IMAP_ID);
    Session s = Session.getInstance(clientProps("imap", "127.0.0.1"));
    try (Store idler = s.getStore("imap"); Store writer = s.getStore("imap")) {
      idler.connect("127.0.0.1", port, MailServers.BOB.address(), MailServers.BOB.password());
      IMAPFolder inbox = (IMAPFolder) idler.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      CountDownLatch arrived = new CountDownLatch(1);
      inbox.addMessageCountListener(new MessageCountAdapter() {
        @Override
        public void messagesAdded(MessageCountEvent e) {
          arrived.countDown();
        }
      });
      Thread idle = new Thread(() -> {
        try {
          inbox.idle(true);
        } catch (Exception e) {
          // the assertion below reports it
        }
      });
      idle.start();
      Thread.sleep(500);
      writer.connect("127.0.0.1", port, MailServers.BOB.address(), MailServers.BOB.password());
      Folder w = writer.getFolder("INBOX");
      w.appendMessages(new Message[] {message(s, "idle " + UUID.randomUUID())});
      assertThat(arrived.await(20, TimeUnit.SECONDS)).as("IDLE saw the new message").isTrue();
      idle.join(5000);
    }
  }

  @Test
  void wrongPasswordIsAuthenticationFailedThenARetryOnTheSameConnectionWorks(MailServers servers) throws Exception {
    int port = gateway("imap-retry", TlsMode.STARTTLS, dovecotStartTls(servers, "dovecot-starttls"), ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN " + MailServers.ALICE.address() + " wrong-password").expect("a NO \\[AUTHENTICATIONFAILED\\] .*");
      c.send("b LOGIN " + MailServers.ALICE.address() + " " + MailServers.ALICE.password())
          .expect("b OK \\[CAPABILITY IMAP4rev1 .*\\] Logged in");
      String line;
      c.send("c SELECT INBOX");
      do {
        line = c.line();
      } while (line != null && !line.startsWith("c "));
      assertThat(line).startsWith("c OK");
      c.send("d LOGOUT").expect("\\* BYE .*");
    }
  }

  @Test
  void aLinePipelinedWithLoginThatTheGatewayRefusedStillGetsItsTaggedReply(MailServers servers) throws Exception {
    // "c NOOP" ends in a bare LF: the gateway's framer refuses it before the relay starts; it used
    // to be dropped, so the client waited for "c" forever
    int port = gateway("imap-unparsed", TlsMode.STARTTLS, dovecotStartTls(servers, "dovecot-unparsed"), ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN " + MailServers.ALICE.address() + " " + MailServers.ALICE.password(),
          "b NOOP", "c NOOP\nd NOOP", "e NOOP");
      c.expect("a OK \\[CAPABILITY IMAP4rev1 .*\\] Logged in");
      List<String> tagged = new java.util.ArrayList<>();
      while (tagged.size() < 4) {
        String line = c.line();
        assertThat(line).as("replies so far: %s", tagged).isNotNull();
        if (!line.startsWith("* ")) {
          tagged.add(line);
        }
      }
      assertThat(tagged).satisfiesExactly(
          l -> assertThat(l).startsWith("b OK"),
          l -> assertThat(l).startsWith("c BAD"),
          l -> assertThat(l).startsWith("d OK"),
          l -> assertThat(l).startsWith("e OK"));
    }
  }

  @Test
  void aBearerTokenForADovecotWithoutOauthIsAPlainNoNotUnavailableAndAPasswordStillLogsIn(MailServers servers)
      throws Exception {
    int port = gateway("imap-token", TlsMode.STARTTLS, dovecotStartTls(servers, "dovecot-token"), ClientConveyance.IMAP_ID);
    String token = java.util.Base64.getEncoder().encodeToString(("n,a=" + MailServers.BOB.address()
        + ",\u0001auth=Bearer ya29.some-token\u0001\u0001").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a AUTHENTICATE OAUTHBEARER " + token)
          .expect("a NO Authentication mechanism not available for this account, use another");
      c.send("b LOGIN " + MailServers.BOB.address() + " " + MailServers.BOB.password())
          .expect("b OK \\[CAPABILITY IMAP4rev1 .*\\] Logged in");
      c.send("c LOGOUT").expect("\\* BYE .*");
    }
  }

  @Test
  void angusSeesAuthenticationFailedForAWrongPassword(MailServers servers) throws Exception {
    int port = gateway("imaps-wrong", TlsMode.IMPLICIT, dovecotStartTls(servers, "dovecot-starttls"), ClientConveyance.IMAP_ID);
    Session s = Session.getInstance(clientProps("imaps", "127.0.0.1"));
    try (Store store = s.getStore("imaps")) {
      Assertions.assertThatThrownBy(() -> store.connect("127.0.0.1", port, MailServers.BOB.address(), "nope"))
          .isInstanceOf(AuthenticationFailedException.class)
          .hasMessageContaining("AUTHENTICATIONFAILED");
    }
  }

  @Test
  void backendDownIsUnavailable(MailServers servers) throws Exception {
    int closed;
    try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
      closed = ss.getLocalPort();
    }
    int port = gateway("imap-down", TlsMode.STARTTLS, BackendSpec.of("down", "127.0.0.1", closed, BackendTlsMode.STARTTLS),
        ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN " + MailServers.BOB.address() + " " + MailServers.BOB.password()).expect("a NO \\[UNAVAILABLE\\] .*");
    }
  }

  @Test
  void proxyV2TowardsDovecotShowsTheRealClientAddress(MailServers servers) throws Exception {
    BackendSpec spec = BackendSpec.of("dovecot-haproxy", "127.0.0.1", servers.imapHaproxyPort(), BackendTlsMode.NONE);
    int port = gateway("imap-proxyv2", TlsMode.STARTTLS, spec, ClientConveyance.PROXY_V2);
    Session s = Session.getInstance(clientProps("imap", "127.0.0.3"));
    try (Store store = s.getStore("imap")) {
      store.connect("127.0.0.1", port, MailServers.ALICE.address(), MailServers.ALICE.password());
      assertThat(store.getFolder("INBOX").exists()).isTrue();
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(Files.readString(servers.dovecotLog()))
            .containsPattern("Login: user=<alice@example.test>, method=PLAIN, rip=127\\.0\\.0\\.3,"));
  }
}
