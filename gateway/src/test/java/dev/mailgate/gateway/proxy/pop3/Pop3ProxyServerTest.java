package dev.mailgate.gateway.proxy.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.local.pop3.LocalPop3Fixture;
import dev.mailgate.gateway.local.pop3.LocalPop3Settings;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.SessionTracking;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.pop3.Pop3ServerSettings;
import dev.mailgate.gateway.pop3.Pop3TestClient;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The POP3 proxy over real sockets. Backends: the gateway's own local POP3 server (a complete
 * POP3 server with STLS, USER and SASL, on plaintext and on STLS-only listeners) and a scripted
 * backend for mechanism translation and the PROXY v2 header. The real Dovecot runs are in the
 * interop tests.
 */
class Pop3ProxyServerTest {

  static final String M1 = "From: a@example.org\r\nSubject: one\r\n\r\nfirst\r\n";
  static final String M2 = "From: b@example.org\r\nSubject: two\r\n\r\n.second\r\n";
  static final AtomicInteger NAMES = new AtomicInteger();

  static LocalPop3Fixture fx;
  static BackendConnector connector;
  static Backend plainBackend;
  static Backend stlsBackend;

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    connector = new BackendConnector(fx.transport, BackendConnector.Policy.defaults());
    int plain = fx.start(LocalPop3Settings.defaults("backend.example.org"), TlsMode.NONE);
    LocalPop3Settings tlsOnly = new LocalPop3Settings(
        Pop3ServerSettings.defaults("backend.example.org").withPlaintextAuthNetworks(List.of()), 1000);
    int stls = fx.start(tlsOnly, TlsMode.STARTTLS);
    plainBackend = connector.backend(BackendSpec.of("plain", "127.0.0.1", plain, BackendTlsMode.NONE));
    stlsBackend = connector.backend(BackendSpec.of("stls", "127.0.0.1", stls, BackendTlsMode.STARTTLS)
        .withTls(ClientTlsSpec.of(new BackendTrust.CaFile(fx.caFile)).withServerName("localhost")));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static int proxy(BackendChooser chooser, Pop3ProxySettings settings, TlsMode mode) {
    return fx.registry.start(
            ListenerSpec.of("proxy-" + NAMES.incrementAndGet(), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0), mode),
            ListenerBinding.of(new Pop3ProxyServer(connector, chooser, fx.tls, settings), fx.tls))
        .block(Duration.ofSeconds(10))
        .port();
  }

  /** A proxy listener on the plain backend whose sessions must log in within {@code preLogin}. */
  static int proxy(Duration preLogin) {
    return fx.registry.start(
            ListenerSpec.of("proxy-" + NAMES.incrementAndGet(), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0),
                TlsMode.STARTTLS).withTimeouts(preLogin, Duration.ofMinutes(10)),
            ListenerBinding.of(new Pop3ProxyServer(connector, BackendChooser.fixed(List.of(plainBackend)), fx.tls,
                Pop3ProxySettings.defaults("gw.example.org")), fx.tls))
        .block(Duration.ofSeconds(10))
        .port();
  }

  static int proxy(Backend backend) {
    return proxy(BackendChooser.fixed(List.of(backend)), Pop3ProxySettings.defaults("gw.example.org"), TlsMode.STARTTLS);
  }

  static String login(String user) {
    return """
        C: USER %s
        S: \\+OK.*
        C: PASS %s
        """.formatted(user, LocalPop3Fixture.PASSWORD);
  }

  /** The POP3 counterpart of IMAP's "* BYE" autologout, said by the gateway before any backend. */
  @Test
  void preLoginTimeoutSaysErrThenCloses() throws Exception {
    try (Pop3TestClient c = new Pop3TestClient(proxy(Duration.ofMillis(500)))) {
      assertThat(c.line()).isEqualTo("+OK gw.example.org POP3 ready");
      assertThat(c.line()).isEqualTo("-ERR Disconnected for inactivity");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void loginIsReplayedThenListRetrAndDeleAreRelayed() throws Exception {
    String user = fx.user("relay", M1, M2);
    try (Pop3TestClient c = new Pop3TestClient(proxy(plainBackend))) {
      c.transcript("""
          S: \\+OK gw\\.example\\.org POP3 ready
          C: CAPA
          S: \\+OK.*
          S: TOP
          S: UIDL
          S: RESP-CODES
          S: AUTH-RESP-CODE
          S: PIPELINING
          S: STLS
          S: USER
          S: SASL PLAIN LOGIN XOAUTH2 OAUTHBEARER
          S: IMPLEMENTATION mailgate
          S: \\.
          %s
          S: \\+OK maildrop has 2 messages \\(%d octets\\)
          C: LIST
          S: \\+OK 2 messages.*
          S: 1 %d
          S: 2 %d
          S: \\.
          C: RETR 2
          S: \\+OK %d octets
          S: From: b@example.org
          S: Subject: two
          S:
          S: \\.\\.second
          S: \\.
          C: DELE 1
          S: \\+OK message 1 deleted
          C: QUIT
          S: \\+OK backend\\.example\\.org POP3 server signing off \\(1 messages deleted\\)
          """.formatted(login(user), M1.length() + M2.length(), M1.length(), M2.length(), M2.length()));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void commandsPipelinedWithTheLoginAreAnsweredByTheBackendInOrder() throws Exception {
    String user = fx.user("pipelined", M1, M2);
    try (Pop3TestClient c = new Pop3TestClient(proxy(plainBackend))) {
      assertThat(c.line()).startsWith("+OK");
      // RFC 2449 PIPELINING: the whole conversation in one write, login included
      c.write("USER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\nSTAT\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK maildrop has 2 messages");
      assertThat(c.line()).isEqualTo("+OK 2 " + (M1.length() + M2.length()));
      assertThat(c.line()).startsWith("+OK 1 ");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK backend.example.org POP3 server signing off");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void backendRefusalIsAuthAndTheSessionStaysUsable() throws Exception {
    String user = fx.user("refuse", M1);
    try (Pop3TestClient c = new Pop3TestClient(proxy(plainBackend))) {
      c.transcript("""
          S: \\+OK.*
          C: USER %s
          S: \\+OK.*
          C: PASS wrong
          S: -ERR \\[AUTH\\] invalid user name or password
          %s
          S: \\+OK maildrop has 1 messages.*
          C: STAT
          S: \\+OK 1 %d
          """.formatted(user, login(user), M1.length()));
    }
  }

  /** RFC 2449 section 8's {@code [SYS/TEMP]} before login: said at once when no command is being answered. */
  @Test
  void aKickBeforeLoginSaysSysTempAndCloses() throws Exception {
    SessionTracking tracking = SessionTracking.detached();
    ListenerRegistry listeners = new ListenerRegistry(fx.transport, tracking);
    try {
      int port = listeners.start(
              ListenerSpec.of("kick-" + NAMES.incrementAndGet(), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0),
                  TlsMode.STARTTLS),
              ListenerBinding.of(new Pop3ProxyServer(connector, BackendChooser.fixed(List.of(plainBackend)), fx.tls,
                  Pop3ProxySettings.defaults("gw.example.org")), fx.tls))
          .block(Duration.ofSeconds(10))
          .port();
      try (Pop3TestClient c = new Pop3TestClient(port)) {
        c.transcript("""
            S: \\+OK gw\\.example\\.org POP3 ready
            C: NOOP
            S: \\+OK
            """);
        for (var session : tracking.registry().all()) {
          tracking.registry().kick(session);
        }
        assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] Disconnected by the administrator");
        assertThat(c.closedByServer()).isTrue();
      }
    } finally {
      listeners.close();
    }
  }

  /**
   * The login replay is the one step a pre-login session waits for: a client that leaves meanwhile
   * ends it, and the half-logged-in backend connection is closed, not left to its timeout.
   */
  @Test
  void aClientLeavingDuringTheLoginReplayClosesTheBackendConnection() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Backend mute = connector.backend(BackendSpec.of("mute-" + silent.getLocalPort(), "127.0.0.1",
          silent.getLocalPort(), BackendTlsMode.NONE));
      try (Pop3TestClient c = new Pop3TestClient(proxy(mute))) {
        c.transcript("""
            S: \\+OK.*
            C: USER someone@example.org
            S: \\+OK.*
            """);
        c.send("PASS secret");
        try (java.net.Socket backend = silent.accept()) {
          backend.setSoTimeout(10_000);
          backend.getOutputStream().write("+OK mute\r\n".getBytes(StandardCharsets.US_ASCII));
          java.io.InputStream in = backend.getInputStream();
          StringBuilder seen = new StringBuilder();
          while (!seen.toString().endsWith("CAPA\r\n")) {
            seen.append((char) in.read()); // the replay got as far as CAPA, which is never answered
          }
          c.close();
          assertThat(in.read()).as("the backend connection is closed").isEqualTo(-1);
        }
      }
    }
  }

  @Test
  void backendDownIsSysTempAndTheSessionStaysUsable() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    Backend down = connector.backend(BackendSpec.of("down-" + dead, "127.0.0.1", dead, BackendTlsMode.NONE));
    try (Pop3TestClient c = new Pop3TestClient(proxy(down))) {
      c.transcript("""
          S: \\+OK.*
          %s
          S: -ERR \\[SYS/TEMP\\] backend unavailable, try again later
          C: NOOP
          S: \\+OK
          """.formatted(login("nobody@example.org")));
    }
  }

  @Test
  void stlsToTheBackendAndAuthPlainFromTheClient() throws Exception {
    String user = fx.user("stls", M1);
    String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + LocalPop3Fixture.PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (Pop3TestClient c = new Pop3TestClient(proxy(stlsBackend))) {
      // the backend refuses passwords without TLS, so a login only works over the STLS leg
      c.transcript("""
          S: \\+OK.*
          C: AUTH PLAIN %s
          S: \\+OK maildrop has 1 messages.*
          C: UIDL
          S: \\+OK.*
          S: 1 \\d+\\.1
          S: \\.
          """.formatted(plain));
    }
  }

  @Test
  void implicitTlsListenerPop3s() throws Exception {
    String user = fx.user("pop3s", M1);
    int port = proxy(BackendChooser.fixed(List.of(plainBackend)), Pop3ProxySettings.defaults("gw.example.org"), TlsMode.IMPLICIT);
    try (Pop3TestClient c = new Pop3TestClient(port).startTls()) {
      c.transcript("""
          S: \\+OK.*
          C: CAPA
          S: \\+OK.*
          S: TOP
          S: UIDL
          S: RESP-CODES
          S: AUTH-RESP-CODE
          S: PIPELINING
          S: USER
          S: SASL PLAIN LOGIN XOAUTH2 OAUTHBEARER
          S: IMPLEMENTATION mailgate
          S: \\.
          %s
          S: \\+OK maildrop has 1 messages.*
          C: STAT
          S: \\+OK 1 %d
          """.formatted(login(user), M1.length()));
    }
  }

  @Test
  void clientPlainIsTranslatedToLoginForABackendWithoutPlain() throws Exception {
    try (ScriptedPop3Backend b = new ScriptedPop3Backend(List.of("SASL LOGIN"), "pw", false)) {
      Backend backend = connector.backend(BackendSpec.of("scripted-login", "127.0.0.1", b.port(), BackendTlsMode.NONE));
      String plain = Base64.getEncoder().encodeToString("\0joe\0pw".getBytes(StandardCharsets.UTF_8));
      try (Pop3TestClient c = new Pop3TestClient(proxy(backend))) {
        c.transcript("""
            S: \\+OK.*
            C: AUTH PLAIN %s
            S: \\+OK logged in as joe
            C: STAT
            S: \\+OK 0 0
            """.formatted(plain));
      }
      assertThat(b.received).startsWith("CAPA", "AUTH LOGIN", "am9l", "cHc=", "STAT");
    }
  }

  @Test
  void bearerTokensAreReplayedToABackendThatOffersATokenMechanism() throws Exception {
    try (ScriptedPop3Backend b = new ScriptedPop3Backend(List.of("SASL XOAUTH2"), "tok-123", false)) {
      Backend backend = connector.backend(BackendSpec.of("scripted-token", "127.0.0.1", b.port(), BackendTlsMode.NONE));
      String good = Base64.getEncoder().encodeToString(
          "user=joe@example.org\u0001auth=Bearer tok-123\u0001\u0001".getBytes(StandardCharsets.UTF_8));
      String bad = Base64.getEncoder().encodeToString(
          "n,a=joe@example.org,\u0001auth=Bearer stolen\u0001\u0001".getBytes(StandardCharsets.UTF_8));
      try (Pop3TestClient c = new Pop3TestClient(proxy(backend))) {
        c.transcript("""
            S: \\+OK.*
            C: AUTH OAUTHBEARER %s
            S: -ERR \\[AUTH\\].*
            C: AUTH XOAUTH2 %s
            S: \\+OK token accepted
            C: STAT
            S: \\+OK 0 0
            """.formatted(bad, good));
      }
    }
  }

  @Test
  void proxyV2HeaderConveysTheClientAddress() throws Exception {
    try (ScriptedPop3Backend b = new ScriptedPop3Backend(List.of("USER"), "pw", true)) {
      Backend backend = connector.backend(BackendSpec.of("scripted-proxy", "127.0.0.1", b.port(), BackendTlsMode.NONE));
      int port = proxy(BackendChooser.fixed(List.of(backend)),
          Pop3ProxySettings.defaults("gw.example.org").withProxyProtocol(true), TlsMode.STARTTLS);
      try (Pop3TestClient c = new Pop3TestClient(port)) {
        c.transcript("""
            S: \\+OK.*
            C: USER joe
            S: \\+OK.*
            C: PASS pw
            S: \\+OK logged in as joe
            """);
        assertThat(b.proxySource).isEqualTo("127.0.0.1:" + c.localPort());
      }
      assertThat(b.received).startsWith("CAPA", "USER joe", "PASS pw");
    }
  }
}
