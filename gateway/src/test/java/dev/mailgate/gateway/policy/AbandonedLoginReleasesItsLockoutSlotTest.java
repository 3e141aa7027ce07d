package dev.mailgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.proxy.imap.BackendChooser;
import dev.mailgate.gateway.proxy.imap.ClientConveyance;
import dev.mailgate.gateway.proxy.imap.ImapBackend;
import dev.mailgate.gateway.proxy.imap.ImapProxyHandler;
import dev.mailgate.gateway.proxy.imap.ImapProxySettings;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.auth.LoginReservation;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A login in flight holds one of its (user, address) pair's lockout slots; when the client
 * vanishes while its password is being checked, the slot comes back. Over real sockets through
 * the IMAP proxy, whose backend accepts and never greets (its greeting timeout is 5 minutes, so
 * only the client's leaving can end these checks within the test).
 */
class AbandonedLoginReleasesItsLockoutSlotTest {
  /** Two slots per pair, no delay to speak of. */
  static final AuthThrottleSettings AUTH = new AuthThrottleSettings(Duration.ofMillis(1),
      Duration.ofMillis(1), 2, Duration.ofMinutes(15), Duration.ofMinutes(15));
  static final String USER = "bob@example.test";
  static final String FROM = "127.0.4.30";

  Transport transport;
  ListenerRegistry registry;
  ServerSocket silentBackend;
  final List<Socket> accepted = new ArrayList<>();
  PolicyFixture f;
  int port;

  @BeforeEach
  void start() throws Exception {
    silentBackend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        for (;;) {
          Socket s = silentBackend.accept(); // and never a greeting
          synchronized (accepted) {
            accepted.add(s);
          }
        }
      } catch (IOException closed) {
        // the test ended
      }
    }, "silent-backend");
    acceptor.setDaemon(true);
    acceptor.start();
    transport = Transport.create("abandoned-login", 2);
    BackendConnector connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(), List.of(), AUTH, MessageLimits.DEFAULT, true, Map.of()));
    Backend silent = connector.backend(new BackendSpec("silent", "127.0.0.1",
        silentBackend.getLocalPort(), BackendTlsMode.NONE, null, Duration.ofSeconds(5),
        Duration.ofMinutes(5)));
    BackendChooser chooser = (user, client) ->
        Mono.just(List.of(ImapBackend.of(silent, ClientConveyance.NONE)));
    ImapProxyHandler handler = ImapProxyHandler.create(ImapProxySettings.defaults("gw.test"),
        chooser, connector, null, null);
    registry = new ListenerRegistry(transport);
    ListenerSpec spec = ListenerSpec.of("imap", Protocol.IMAP,
        new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    port = registry.start(spec, ListenerBinding.of(handler, null).withPolicies(f.gate))
        .block(Duration.ofSeconds(10)).port();
  }

  @AfterEach
  void stop() throws IOException {
    registry.close();
    transport.close();
    silentBackend.close();
    synchronized (accepted) {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /** Whether the pair has a free slot now (the probe gives it straight back). */
  boolean pairHasAFreeSlot() throws Exception {
    PolicyFacts pair = PolicyFacts.connect(InetAddress.getByName(FROM), "imap", MailProtocol.IMAP,
        false).withAuthAttempt(USER, false);
    LoginReservation probe = f.engine.authThrottle().reserve(pair, 424242);
    probe.release();
    return probe.admitted();
  }

  @Test
  void clientsLeavingDuringThePasswordCheckGiveTheirSlotsBack() throws Exception {
    LineClient first = new LineClient(FROM, port);
    LineClient second = new LineClient(FROM, port);
    assertThat(first.line()).startsWith("* OK");
    assertThat(second.line()).startsWith("* OK");
    first.send("a LOGIN " + USER + " guess-1\r\n");
    second.send("a LOGIN " + USER + " guess-2\r\n");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> !pairHasAFreeSlot() || !first.nothingPending() || !second.nothingPending());
    assertThat(first.nothingPending() && second.nothingPending())
        .as("both checks still in flight; answers: %s / %s",
            first.nothingPending() ? "-" : first.line(), second.nothingPending() ? "-" : second.line())
        .isTrue();

    try (LineClient third = new LineClient(FROM, port)) {
      assertThat(third.line()).startsWith("* OK");
      third.send("b LOGIN " + USER + " guess-3\r\n");
      assertThat(third.until("b .*")).as("both slots are held by the checks in flight")
          .startsWith("b NO [AUTHENTICATIONFAILED]");
    }

    first.close();
    second.close();
    await().atMost(Duration.ofSeconds(20)).until(this::pairHasAFreeSlot);
    assertThat(f.engine.authThrottle().decide(PolicyFacts.connect(InetAddress.getByName(FROM),
        "imap", MailProtocol.IMAP, false).withAuthAttempt(USER, false)).isDeny())
        .as("an abandoned check is no failure").isFalse();
  }
}
