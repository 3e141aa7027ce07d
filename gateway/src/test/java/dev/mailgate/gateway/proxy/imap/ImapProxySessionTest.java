package dev.mailgate.gateway.proxy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.SessionTracking;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.policy.PolicyFixture;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionListener;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.session.SessionSnapshot;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Transcripts over real sockets against a started listener, with a scripted backend for the
 * pure-logic cases: capabilities before and after STARTTLS, PRIVACYREQUIRED, the STARTTLS
 * discard, TOOBIG, refusal mapping, backend down, what is replayed and conveyed.
 */
class ImapProxySessionTest {

  @TempDir static Path dir;
  static Transport transport;
  static ServerTls tls;
  static BackendConnector connector;
  ListenerRegistry registry;
  FakeImapBackend backend;

  @BeforeAll
  static void startShared() throws Exception {
    transport = Transport.create("test-imap-proxy", 2);
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    connector = new BackendConnector(transport, new BackendConnector.Policy(0, Duration.ofMillis(10),
        BackendConnector.Policy.defaults().circuitBreaker()));
  }

  @AfterAll
  static void stopShared() {
    tls.close();
    transport.close();
  }

  @BeforeEach
  void start() throws Exception {
    registry = new ListenerRegistry(transport);
    backend = new FakeImapBackend(FakeImapBackend.CAPS);
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
    backend.close();
  }

  private int listen(ImapProxySettings settings, int backendPort, ClientConveyance conveyance) throws Exception {
    return listen(settings, backendPort, conveyance, Duration.ofSeconds(60));
  }

  private int listen(ImapProxySettings settings, int backendPort, ClientConveyance conveyance, Duration preLogin)
      throws Exception {
    Backend b = connector.backend(BackendSpec.of("fake-" + backendPort, "127.0.0.1", backendPort, BackendTlsMode.NONE)
        .withConnectTimeout(Duration.ofSeconds(2)));
    BackendChooser chooser = (user, client) -> Mono.just(List.of(ImapBackend.of(b, conveyance)));
    ImapProxyHandler handler = ImapProxyHandler.create(settings, chooser, connector, tls, null);
    ListenerSpec spec = ListenerSpec.of("imap", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.STARTTLS)
        .withTimeouts(preLogin, Duration.ofMinutes(30));
    RunningListener l = registry.start(spec, ListenerBinding.of(handler, tls)).block();
    return l.port();
  }

  private static ImapProxySettings settings() {
    return ImapProxySettings.defaults("mx.test");
  }

  @Test
  void greetingOnLoopbackOffersStartTlsAndLoginMechanisms() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      String greeting = c.expect("\\* OK \\[CAPABILITY .*\\] mx.test ready");
      assertThat(greeting).contains("IMAP4rev1", "STARTTLS", "SASL-IR", "LITERAL+", "ID", "AUTH=PLAIN", "AUTH=LOGIN",
          "AUTH=XOAUTH2", "AUTH=OAUTHBEARER").doesNotContain("LOGINDISABLED");
      c.send("a NOOP").expect("a OK NOOP completed");
      c.send("b LOGOUT").expect("\\* BYE .*");
      c.expect("b OK LOGOUT completed");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void plaintextOutsideAllowedNetworksIsLoginDisabledUntilStartTls() throws Exception {
    int port = listen(settings().withPlaintextAuthNetworks(List.of()), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      String greeting = c.expect("\\* OK \\[CAPABILITY .*");
      assertThat(greeting).contains("STARTTLS", "LOGINDISABLED").doesNotContain("AUTH=");
      c.send("a LOGIN joe secret").expect("a NO \\[PRIVACYREQUIRED\\] .*");
      c.send("b AUTHENTICATE PLAIN " + plain("joe", "secret")).expect("b NO \\[PRIVACYREQUIRED\\] .*");
      c.send("c STARTTLS").expect("c OK .*");
      c.startTls();
      c.send("d CAPABILITY");
      String caps = c.expect("\\* CAPABILITY .*");
      assertThat(caps).contains("AUTH=PLAIN").doesNotContain("STARTTLS", "LOGINDISABLED");
      c.expect("d OK .*");
      c.send("e STARTTLS").expect("e BAD .*");
      c.send("f LOGIN joe secret").expect("f OK \\[CAPABILITY " + FakeImapBackend.POST_LOGIN_CAPS + "\\] .*");
    }
    assertThat(backend.commands("LOGIN")).isEmpty();
  }

  @Test
  void startTlsDiscardsPipelinedPlaintext() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a STARTTLS", "b LOGIN joe secret", "x NOOP").expect("a OK .*");
      c.startTls();
      c.send("c NOOP").expect("c OK NOOP completed");
    }
    assertThat(backend.received).isEmpty();
  }

  @Test
  void loginReplaysToTheBackendThenRelaysWithTheBackendsCapabilities() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a ID (\"name\" \"testclient\" \"x-originating-ip\" \"6.6.6.6\")").expect("\\* ID \\(\"name\" \"mailgate\".*");
      c.expect("a OK .*");
      c.send("b LOGIN joe secret").expect("b OK \\[CAPABILITY " + FakeImapBackend.POST_LOGIN_CAPS + "\\] Logged in");
      c.send("c SELECT INBOX").expect("c OK fake SELECT");
    }
    assertThat(backend.commands("AUTHENTICATE")).singleElement().asString().startsWith("mg").contains("AUTHENTICATE PLAIN ");
    String id = backend.commands("ID").get(0);
    assertThat(id).contains("\"x-originating-ip\" \"127.0.0.1\"", "\"x-session-id\"", "\"name\" \"testclient\"")
        .doesNotContain("6.6.6.6");
  }

  @Test
  void backendLoginSendsIdWithoutWaitingForItsAnswer() throws Exception {
    backend.answerIdWithNextCommand = true;
    int port = listen(settings(), backend.port(), ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe secret").expect("a OK \\[CAPABILITY " + FakeImapBackend.POST_LOGIN_CAPS + "\\] Logged in");
      // the ID's answer the backend sent late is not the login's, and does not reach the client
      c.send("b NOOP").expect("b OK fake NOOP");
    }
    assertThat(backend.received).hasSize(3);
    assertThat(backend.received.get(0)).contains(" ID (");
    assertThat(backend.received.get(1)).contains(" AUTHENTICATE PLAIN ");
  }

  @Test
  void commandsPipelinedAfterLoginReachTheBackend() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe secret", "b NOOP", "c LIST \"\" *");
      c.expect("a OK \\[CAPABILITY .*");
      c.expect("b OK fake NOOP");
      c.expect("c OK fake LIST");
    }
  }

  @Test
  void aLiteralPipelinedAfterLoginReachesTheBackendByteForByte() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe secret", "b APPEND INBOX {5+}", "hello", "c NOOP");
      c.expect("a OK \\[CAPABILITY .*");
      c.expect("b OK fake APPEND");
      c.expect("\\* BAD what"); // the fake reads the literal as a line
      c.expect("c OK fake NOOP");
    }
    assertThat(backend.received).containsSubsequence("b APPEND INBOX {5+}", "hello", "c NOOP");
  }

  @Test
  void masterUserLoginNeedsAGatewayVerifierAndUsesTheUserStarMasterForm() throws Exception {
    Backend b = connector.backend(BackendSpec.of("fake-master", "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    MasterLogin master = new MasterLogin("*", "gwmaster", dev.mailgate.codec.sasl.Secret.ofString("secret"));
    BackendChooser chooser = (user, client) -> Mono.just(List.of(new ImapBackend(b, ClientConveyance.NONE, master)));
    ListenerSpec spec = ListenerSpec.of("imap-m", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.STARTTLS);
    int unverified = registry.start(spec, ListenerBinding.of(ImapProxyHandler.create(settings(), chooser, connector, tls, null), tls))
        .block().port();
    LoginVerifier verifier = (creds, client) -> Mono.just(creds.user().equals("joe"));
    try (LineClient c = new LineClient(unverified)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe anything").expect("a NO \\[UNAVAILABLE\\] .*");
    }
    assertThat(backend.received).isEmpty();
    registry.stop("imap-m", Duration.ZERO).block();
    int port = registry.start(spec, ListenerBinding.of(ImapProxyHandler.create(settings(), chooser, connector, tls, verifier), tls))
        .block().port();
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN eve anything").expect("a NO \\[AUTHENTICATIONFAILED\\] .*");
      c.send("b LOGIN joe anything").expect("b OK \\[CAPABILITY .*");
    }
    assertThat(backend.commands("AUTHENTICATE")).singleElement().asString()
        .endsWith("AUTHENTICATE PLAIN " + plain("joe*gwmaster", "secret"));
  }

  @Test
  void authenticateLoginIsTranslatedToPlainForTheBackend() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a AUTHENTICATE LOGIN").expect("\\+ .*");
      c.send(b64("joe")).expect("\\+ .*");
      c.send(b64("secret")).expect("a OK \\[CAPABILITY .*");
    }
    assertThat(backend.commands("AUTHENTICATE")).singleElement().asString().contains("AUTHENTICATE PLAIN " + plain("joe", "secret"));
  }

  @Test
  void authenticateWithoutInitialResponseAndCancel() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a AUTHENTICATE PLAIN").expect("\\+ ?");
      c.send("*").expect("a BAD .*");
      c.send("b AUTHENTICATE CRAM-MD5").expect("b NO .*");
      c.send("c AUTHENTICATE PLAIN").expect("\\+ ?");
      c.send(plain("joe", "secret")).expect("c OK \\[CAPABILITY .*");
    }
  }

  /**
   * RFC 4959's empty initial response ({@code =}) to PLAIN carries no credentials: Dovecot answers
   * it {@code NO [AUTHENTICATIONFAILED]} (the gateway said {@code BAD Invalid SASL response}), it
   * never reaches the backend, and it is a guess like a wrong password, so the next login from
   * that address waits its delay. After the {@code +}, {@code =} is not base64 (Dovecot: "BAD
   * Invalid base64 data in continued response") and no login.
   */
  @Test
  void anEmptyPlainResponseIsAFailedLoginAndTheNextWaitsItsDelay() throws Exception {
    PolicyFixture f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(), List.of(), PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of()));
    Backend b = connector.backend(BackendSpec.of("fake", "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    BackendChooser chooser = (user, client) -> Mono.just(List.of(ImapBackend.of(b, ClientConveyance.NONE)));
    ImapProxyHandler handler = ImapProxyHandler.create(settings(), chooser, connector, tls, null);
    ListenerSpec spec = ListenerSpec.of("imap", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.STARTTLS);
    int port = registry.start(spec, ListenerBinding.of(handler, tls).withPolicies(f.gate)).block().port();
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a AUTHENTICATE PLAIN =").expect("a NO \\[AUTHENTICATIONFAILED\\] Authentication failed");
      // after the +, "=" is not base64 (the empty response is an empty line): BAD, as Dovecot's
      c.send("b AUTHENTICATE PLAIN").expect("\\+ ?");
      c.send("=").expect("b BAD Invalid SASL response");
      c.send("c LOGIN joe secret");
      f.releaseDelay(1);
      c.expect("c OK \\[CAPABILITY .*");
    }
    assertThat(f.delayed()).as("one failure before c, none counted for b").isEqualTo(1);
    assertThat(backend.commands("AUTHENTICATE")).as("only the good login reached the backend")
        .singleElement().asString().endsWith("AUTHENTICATE PLAIN " + plain("joe", "secret"));
  }

  @Test
  void backendRefusalIsAuthenticationFailedAndTheSessionStaysUsable() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe wrong").expect("a NO \\[AUTHENTICATIONFAILED\\] .*");
      c.send("b NOOP").expect("b OK .*");
      c.send("c LOGIN joe secret").expect("c OK \\[CAPABILITY .*");
      c.send("d NOOP").expect("d OK fake NOOP");
    }
  }

  @Test
  void backendLoginCommandUsedWhenNoSaslMechanismInCommon() throws Exception {
    backend.close();
    backend = new FakeImapBackend("IMAP4rev1");
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a AUTHENTICATE PLAIN " + plain("joe", "secret"));
      // The fake's LOGIN reply has no CAPABILITY code, so the gateway asks for it.
      c.expect("a OK \\[CAPABILITY IMAP4REV1\\] Logged in");
    }
    assertThat(backend.commands("LOGIN")).singleElement().asString().endsWith("LOGIN \"joe\" \"secret\"");
  }

  @Test
  void backendDownIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    int port = listen(settings(), closedPort, ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe secret").expect("a NO \\[UNAVAILABLE\\] .*");
      c.send("b NOOP").expect("b OK .*");
    }
  }

  @Test
  void preLoginLiteralOverTheLimitIsTooBigAndTheSessionGoesOn() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN {100000}").expect("a BAD \\[TOOBIG\\] .*");
      c.send("b NOOP").expect("b OK .*");
      // Within the limit, a synchronising literal gets a continuation request.
      c.send("c LOGIN {3}").expect("\\+ .*");
      c.send("joe {6}").expect("\\+ .*");
      c.send("secret").expect("c OK \\[CAPABILITY .*");
    }
  }

  @Test
  void overlongLineIsTooBig() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a NOOP " + "x".repeat(70_000)).expect("a BAD \\[TOOBIG\\] .*");
      c.send("b NOOP").expect("b OK .*");
    }
  }

  @Test
  void commandsOfTheAuthenticatedStateAreRefused() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a SELECT INBOX").expect("a BAD .*");
      c.send("b FOO").expect("b BAD .*");
    }
    assertThat(backend.received).isEmpty();
  }

  @Test
  void tooManyErrorsEndWithBye() throws Exception {
    int port = listen(settings().withMaxErrors(3), backend.port(), ClientConveyance.NONE);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a FOO", "b BAR", "c BAZ", "d NOOP");
      c.expect("a BAD .*");
      c.expect("b BAD .*");
      c.expect("c BAD .*");
      c.expect("\\* BYE .*");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void preLoginTimeoutSaysBye() throws Exception {
    int port = listen(settings(), backend.port(), ClientConveyance.NONE, Duration.ofMillis(300));
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.expect("\\* BYE .*");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  static String plain(String user, String password) {
    return b64("\0" + user + "\0" + password);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aLogoutThroughTheRelayEndsTheSessionAsTheClientsQuitNotAsTheBackendsClose() throws Exception {
    // The backend closes after its BYE; the session log and mailgate_sessions_ended must still
    // say the client quit, as a LOGOUT before login does.
    List<SessionSnapshot> ended = new CopyOnWriteArrayList<>();
    SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), new SessionIds(7), List.of(new SessionListener() {
      @Override
      public void opened(SessionRecord session) {}

      @Override
      public void ended(SessionSnapshot session) {
        ended.add(session);
      }
    }));
    registry.close();
    registry = new ListenerRegistry(transport, new SessionTracking(sessions, GatewayMetrics.on(new SimpleMeterRegistry())));
    int port = listen(settings(), backend.port(), ClientConveyance.IMAP_ID);
    try (LineClient c = new LineClient(port)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN joe secret").expect("a OK .*");
      c.send("b LOGOUT").expect("\\* BYE bye");
      c.expect("b OK bye");
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
    assertThat(ended.get(0).endReason()).isEqualTo(EndReason.CLIENT_QUIT);
  }

  /**
   * A backend that greets, reads the login and never answers it: the client leaves meanwhile, and
   * the login's backend connection must go with it rather than wait for the login timeout.
   */
  @Test
  void aClientThatLeavesDuringTheBackendLoginTakesTheBackendConnectionWithIt() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CompletableFuture<String> loginSeen = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<Boolean> closedByGateway = new java.util.concurrent.CompletableFuture<>();
      Thread t = new Thread(() -> {
        try (java.net.Socket s = silent.accept()) {
          var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
          s.getOutputStream().write("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] silent\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.contains("LOGIN") || line.contains("AUTHENTICATE")) {
              loginSeen.complete(line);
            }
          }
          closedByGateway.complete(true);
        } catch (java.io.IOException e) {
          closedByGateway.complete(true);
        }
      }, "silent-imap-backend");
      t.setDaemon(true);
      t.start();
      int port = listen(settings(), silent.getLocalPort(), ClientConveyance.NONE);
      try (LineClient c = new LineClient(port)) {
        c.expect("\\* OK .*");
        c.send("a LOGIN joe secret");
        loginSeen.get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      // the backend login timeout is far longer than this wait
      assertThat(closedByGateway.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }
}
