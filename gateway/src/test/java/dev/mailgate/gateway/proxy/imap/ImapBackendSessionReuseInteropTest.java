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
import dev.mailgate.gateway.net.SessionTracking;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Backend sessions kept after LOGOUT ({@link ParkedLogins}) in front of the real Dovecot: the same
 * user's next login with the same password from the same address gets the kept session, which
 * Dovecot's log shows as one login for two; everything else logs in as before. Each test's client
 * connects from its own loopback address, conveyed to Dovecot by IMAP ID, so its log lines are
 * its own.
 */
@ExtendWith(MailServersExtension.class)
class ImapBackendSessionReuseInteropTest {

  static Transport transport;
  static BackendConnector connector;
  static ListenerRegistry registry;
  static SessionTracking tracking;

  @BeforeAll
  static void startGateway() {
    transport = Transport.create("test-imap-reuse", 2);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
    tracking = SessionTracking.detached();
    registry = new ListenerRegistry(transport, tracking);
  }

  private static double sessions(String event) {
    var c = tracking.metrics().registry().find("mailgate.imap.backend.sessions").tag("event", event).counter();
    return c == null ? 0 : c.count();
  }

  @AfterAll
  static void stopGateway() {
    registry.close();
    transport.close();
  }

  private record Gateway(int port, ImapProxyHandler handler) {}

  private static Gateway gateway(MailServers servers, String name, Duration keep) throws IOException {
    Backend b = connector.backend(BackendSpec.of(name, "127.0.0.1", servers.imapPort(), BackendTlsMode.NONE));
    BackendChooser chooser =
        (user, client) -> Mono.just(List.of(new ImapBackend(b, ClientConveyance.IMAP_ID, null, keep)));
    ImapProxyHandler handler = ImapProxyHandler.create(ImapProxySettings.defaults("gw.test"), chooser, connector, null, null);
    ListenerSpec l = ListenerSpec.of(name, Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    int port = registry.start(l, ListenerBinding.of(handler, null)).block(Duration.ofSeconds(10)).port();
    return new Gateway(port, handler);
  }

  private static LineClient login(Gateway g, String from, MailServers.User user) throws IOException {
    LineClient c = new LineClient(g.port(), from);
    c.expect("\\* OK .*");
    c.send("a LOGIN " + user.address() + " " + user.password()).expect("a OK \\[CAPABILITY IMAP4rev1 .*\\] Logged in");
    return c;
  }

  /** Sends a command and reads up to its tagged reply, which is returned. */
  private static String command(LineClient c, String tag, String command) throws IOException {
    c.send(tag + " " + command);
    String line;
    do {
      line = c.line();
    } while (line != null && !line.startsWith(tag + " "));
    return line;
  }

  private static long dovecotLogins(MailServers servers, MailServers.User user, String from) throws IOException {
    Matcher m = Pattern.compile("Login: user=<" + Pattern.quote(user.address()) + ">, method=PLAIN, rip="
        + Pattern.quote(from) + ",").matcher(Files.readString(servers.dovecotLog()));
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Alice logs in from {@code from} and out, and her backend session is kept. */
  private static void keepOne(Gateway g, String from) throws IOException {
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      c.send("b LOGOUT").expect("\\* BYE Logging out");
    }
    awaitKept(g, 1);
  }

  /** Alice's next login works and is Dovecot's second login from {@code from}: no kept session served it. */
  private static void assertNextLoginIsDovecotsSecond(MailServers servers, Gateway g, String from) throws IOException {
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      assertThat(command(c, "b", "SELECT INBOX")).startsWith("b OK");
    }
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(dovecotLogins(servers, MailServers.ALICE, from)).isEqualTo(2));
  }

  private static void awaitKept(Gateway g, int n) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> g.handler().parked().size() == n);
  }

  @Test
  void theSameUsersNextLoginGetsTheKeptSessionInTheAuthenticatedState(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-same", Duration.ofSeconds(30));
    String from = "127.0.0.21";
    double kept = sessions("kept");
    double reused = sessions("reused");
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      assertThat(command(c, "b", "SELECT INBOX")).startsWith("b OK");
      c.send("c LOGOUT").expect("\\* BYE Logging out");
      c.expect("c OK LOGOUT completed");
      assertThat(c.closedByServer()).isTrue();
    }
    awaitKept(g, 1);
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      assertThat(g.handler().parked().size()).isZero();
      assertThat(command(c, "b", "FETCH 1 FLAGS")).as("UNSELECT left no mailbox selected").startsWith("b BAD");
      assertThat(command(c, "c", "SELECT INBOX")).startsWith("c OK");
      assertThat(command(c, "d", "NOOP")).startsWith("d OK");
      c.send("e LOGOUT").expect("\\* BYE Logging out");
    }
    awaitKept(g, 1);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(dovecotLogins(servers, MailServers.ALICE, from)).isEqualTo(1));
    assertThat(sessions("kept") - kept).isEqualTo(2);
    assertThat(sessions("reused") - reused).isEqualTo(1);
  }

  @Test
  void aWrongPasswordOrAnotherUserNeverGetsAKeptSession(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-others", Duration.ofSeconds(30));
    String from = "127.0.0.22";
    keepOne(g, from);
    try (LineClient c = new LineClient(g.port(), from)) {
      c.expect("\\* OK .*");
      c.send("a LOGIN " + MailServers.ALICE.address() + " not-" + MailServers.ALICE.password())
          .expect("a NO \\[AUTHENTICATIONFAILED\\] .*");
    }
    try (LineClient c = login(g, from, MailServers.BOB)) {
      assertThat(command(c, "b", "SELECT INBOX")).startsWith("b OK");
    }
    assertThat(g.handler().parked().size()).as("alice's session is still kept").isEqualTo(1);
    Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(dovecotLogins(servers, MailServers.BOB, from)).isEqualTo(1));
  }

  @Test
  void aSessionThatEnabledAnExtensionIsLoggedOutAtTheBackend(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-enable", Duration.ofSeconds(30));
    try (LineClient c = login(g, "127.0.0.23", MailServers.ALICE)) {
      assertThat(command(c, "b", "ENABLE CONDSTORE")).startsWith("b OK");
      c.send("c LOGOUT").expect("\\* BYE .*");
      // Dovecot's own words, not the gateway's: the LOGOUT went to the backend
      c.expect("c OK Logout completed.*");
    }
    assertThat(g.handler().parked().size()).isZero();
  }

  @Test
  void aLogoutPipelinedBehindAnotherCommandGoesToTheBackend(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-pipelined", Duration.ofSeconds(30));
    try (LineClient c = login(g, "127.0.0.24", MailServers.ALICE)) {
      c.send("b NOOP", "c LOGOUT").expect("b OK .*");
      c.expect("\\* BYE .*");
      c.expect("c OK Logout completed.*");
    }
    assertThat(g.handler().parked().size()).isZero();
  }

  @Test
  void aKeptSessionIsLoggedOutWhenItsTimeIsUp(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-expiry", Duration.ofSeconds(1));
    String from = "127.0.0.25";
    keepOne(g, from);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> g.handler().parked().size() == 0);
    assertNextLoginIsDovecotsSecond(servers, g, from);
  }

  @Test
  void theKeptSessionsGaugeCountsTheSessionsKeptNow(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-gauge", Duration.ofSeconds(30));
    SessionTracking own = SessionTracking.detached(); // no other test's handlers in its sum
    own.registry().onLeftovers(g.handler());
    Gauge kept = own.metrics().registry().get("mailgate.imap.backend.sessions.kept").gauge();
    assertThat(kept.value()).isZero();
    String from = "127.0.0.29";
    keepOne(g, from);
    assertThat(kept.value()).isEqualTo(1);
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      assertThat(kept.value()).as("the login took it").isZero();
      assertThat(command(c, "b", "SELECT INBOX")).startsWith("b OK");
      c.send("c LOGOUT").expect("\\* BYE Logging out");
    }
    awaitKept(g, 1);
    assertThat(kept.value()).as("kept again at its LOGOUT").isEqualTo(1);
    own.registry().userKicked(MailServers.ALICE.address());
    assertThat(kept.value()).isZero();
  }

  @Test
  void anAdministratorsKickOfTheUserLogsItsKeptSessionsOut(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-kick", Duration.ofSeconds(30));
    tracking.registry().onLeftovers(g.handler());
    String from = "127.0.0.26";
    keepOne(g, from);
    tracking.registry().userKicked("ALICE@example.test");
    assertThat(g.handler().parked().size()).isZero();
    assertNextLoginIsDovecotsSecond(servers, g, from);
  }

  @Test
  void aDrainingGatewayLogsItsKeptSessionsOutAndKeepsNoMore(MailServers servers) throws Exception {
    Gateway g = gateway(servers, "reuse-drain", Duration.ofSeconds(30));
    String from = "127.0.0.27";
    keepOne(g, from);
    g.handler().drained();
    assertThat(g.handler().parked().size()).isZero();
    try (LineClient c = login(g, from, MailServers.ALICE)) {
      c.send("b LOGOUT").expect("\\* BYE Logging out");
      c.expect("b OK LOGOUT completed");
    }
    Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> g.handler().parked().size() == 0);
  }
}
