package dev.mailgate.gateway.policy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.net.Cidr;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Connection admission at accept, over real sockets: refused clients get PRODUCT.md's line for
 * the listener's protocol instead of the greeting, the connection ends, and the refusal is
 * counted under the rule's name. Clients come from several loopback addresses to prove the
 * per-IP and per-/24 keys.
 */
class ConnectionAdmissionTest {
  @TempDir Path dir;
  static Transport transport;
  ListenerRegistry registry;

  /** Greets with {@code greeting}, then holds the connection until the client closes it. */
  static ProtocolHandler greeter(String greeting) {
    return (connection, ctx) -> connection.outbound()
        .sendString(Mono.just(greeting + "\r\n"), US_ASCII)
        .then(ctx.receiveObject().then());
  }

  @BeforeAll
  static void startTransport() {
    transport = Transport.create("admission-test", 2);
  }

  @AfterAll
  static void stopTransport() {
    transport.close();
  }

  @AfterEach
  void stopListeners() {
    if (registry != null) {
      registry.close();
    }
  }

  static PolicySettings settings(NetworkRules networks, List<ConnectionLimit> limits,
      List<RateLimitRule> rates) {
    // loopback is exempt from connection limits by default: these clients are all loopback
    return new PolicySettings(networks, NetworkPrefixes.DEFAULT, limits, rates,
        PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of(), List.of());
  }

  int start(PolicyFixture f, String name, Protocol protocol, String greeting) {
    registry = registry == null ? new ListenerRegistry(transport) : registry;
    ListenerSpec spec = ListenerSpec.of(name, protocol, new InetSocketAddress("127.0.0.1", 0),
        TlsMode.NONE);
    return registry.start(spec, ListenerBinding.of(greeter(greeting), null).withPolicies(f.gate))
        .block(Duration.ofSeconds(10)).port();
  }

  @Test
  void aDeniedNetworkGetsSmtp554InsteadOfTheGreetingAndIsCounted() throws Exception {
    PolicyFixture f = new PolicyFixture(settings(
        new NetworkRules(List.of(), List.of(Cidr.parse("127.0.0.2/32"))), List.of(), List.of()));
    int port = start(f, "mx", Protocol.SMTP, "220 mx ESMTP");
    try (LineClient denied = new LineClient("127.0.0.2", port)) {
      assertThat(denied.line()).isEqualTo("554 5.7.1 Access denied");
      assertThat(denied.closedByServer()).isTrue();
    }
    try (LineClient allowed = new LineClient("127.0.0.1", port)) {
      assertThat(allowed.line()).isEqualTo("220 mx ESMTP");
    }
    assertThat(f.refusals(PolicyEngine.NETWORK_ACCESS)).isEqualTo(1);
  }

  @Test
  void onlyTheAllowListMayConnectToImap() throws Exception {
    PolicyFixture f = new PolicyFixture(settings(
        new NetworkRules(List.of(Cidr.parse("127.0.0.1/32")), List.of()), List.of(), List.of()));
    int port = start(f, "imap", Protocol.IMAP, "* OK ready");
    try (LineClient outside = new LineClient("127.0.0.3", port)) {
      assertThat(outside.line()).isEqualTo("* BYE Access denied");
      assertThat(outside.closedByServer()).isTrue();
    }
    try (LineClient inside = new LineClient("127.0.0.1", port)) {
      assertThat(inside.line()).isEqualTo("* OK ready");
    }
  }

  @Test
  void concurrentImapConnectionsPerIpOverTheLimitGetByeLimitAndASlotFreesWhenOneCloses()
      throws Exception {
    PolicyFixture f = new PolicyFixture(settings(NetworkRules.OPEN,
        List.of(new ConnectionLimit("two-per-ip", KeyScope.IP, 2)), List.of()));
    int port = start(f, "imap", Protocol.IMAP, "* OK ready");
    try (LineClient a = new LineClient(port); LineClient b = new LineClient(port)) {
      assertThat(a.line()).isEqualTo("* OK ready");
      assertThat(b.line()).isEqualTo("* OK ready");
      try (LineClient c = new LineClient(port)) {
        assertThat(c.line()).isEqualTo("* BYE [LIMIT] Too many connections, try again later");
        assertThat(c.closedByServer()).isTrue();
      }
      try (LineClient other = new LineClient("127.0.0.4", port)) {
        assertThat(other.line()).as("another address has its own count").isEqualTo("* OK ready");
      }
      a.close();
      PolicyFacts fromA = PolicyFacts.connect(InetAddress.getByName("127.0.0.1"), "imap",
          MailProtocol.IMAP, false);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> f.engine.connections().count("two-per-ip", fromA) == 1);
      try (LineClient d = new LineClient(port)) {
        assertThat(d.line()).isEqualTo("* OK ready");
      }
    }
    assertThat(f.refusals("two-per-ip")).isEqualTo(1);
  }

  @Test
  void newPop3ConnectionsPerSlash24AreRatedAcrossItsAddresses() throws Exception {
    PolicyFixture f = new PolicyFixture(settings(NetworkRules.OPEN, List.of(), List.of(
        new RateLimitRule("new-per-network", Counter.CONNECTIONS, KeyScope.NETWORK,
            new Rate(2, Duration.ofHours(1))))));
    int port = start(f, "pop3", Protocol.POP3, "+OK ready");
    try (LineClient a = new LineClient("127.0.0.1", port)) {
      assertThat(a.line()).isEqualTo("+OK ready");
    }
    try (LineClient b = new LineClient("127.0.0.2", port)) {
      assertThat(b.line()).isEqualTo("+OK ready");
    }
    try (LineClient c = new LineClient("127.0.0.3", port)) {
      assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] Too many connections, try again later");
      assertThat(c.closedByServer()).isTrue();
    }
    try (LineClient otherNet = new LineClient("127.0.1.1", port)) {
      assertThat(otherNet.line()).as("127.0.1.0/24 is another network").isEqualTo("+OK ready");
    }
    f.advance(Duration.ofHours(1)); // the network's next window: 2 more
    try (LineClient later = new LineClient("127.0.0.3", port)) {
      assertThat(later.line()).isEqualTo("+OK ready");
    }
    assertThat(f.refusals("new-per-network")).isEqualTo(1);
  }

  @Test
  void aRefusedClientOfAnImplicitTlsListenerIsClosedBeforeAnyHandshakeByte(@TempDir Path dir)
      throws Exception {
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256,
        TestPki.KeyFormat.PKCS8, "localhost");
    try (ServerTls tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost")
        .withReloadInterval(Duration.ZERO))) {
      PolicyFixture f = new PolicyFixture(settings(
          new NetworkRules(List.of(), List.of(Cidr.parse("127.0.0.2/32"))), List.of(), List.of()));
      registry = new ListenerRegistry(transport);
      int port = registry.start(ListenerSpec.of("imaps", Protocol.IMAP,
              new InetSocketAddress("127.0.0.1", 0), TlsMode.IMPLICIT),
          ListenerBinding.of(greeter("* OK ready"), tls).withPolicies(f.gate))
          .block(Duration.ofSeconds(10)).port();
      try (Socket refused = new Socket()) {
        refused.bind(new InetSocketAddress("127.0.0.2", 0));
        refused.connect(new InetSocketAddress("127.0.0.1", port));
        refused.setSoTimeout(20_000);
        refused.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a ClientHello's start
        assertThat(readOrEnd(refused)).as("closed with nothing sent").isEqualTo(-1);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
      try (SSLSocket allowed = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
        allowed.setSoTimeout(20_000);
        allowed.startHandshake();
        assertThat(new BufferedReader(new InputStreamReader(allowed.getInputStream(), US_ASCII))
            .readLine()).isEqualTo("* OK ready");
      }
      assertThat(f.refusals(PolicyEngine.NETWORK_ACCESS)).isEqualTo(1);
    }
  }

  /** The first byte, -1 at end of stream or on a reset, -2 when nothing came (still open). */
  static int readOrEnd(Socket s) {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketTimeoutException e) {
      return -2;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Test
  void loopbackIsExemptFromConnectionLimitsByDefault() throws Exception {
    PolicyFixture f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN,
        NetworkPrefixes.DEFAULT, List.of(new ConnectionLimit("one-per-ip", KeyScope.IP, 1)),
        List.of(new RateLimitRule("one-new-per-ip", Counter.CONNECTIONS, KeyScope.IP,
            new Rate(1, Duration.ofHours(1)))),
        PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of()));
    int port = start(f, "imap", Protocol.IMAP, "* OK ready");
    try (LineClient a = new LineClient(port); LineClient b = new LineClient(port)) {
      assertThat(a.line()).isEqualTo("* OK ready");
      assertThat(b.line()).isEqualTo("* OK ready");
    }
    assertThat(f.refusals("one-per-ip") + f.refusals("one-new-per-ip")).isZero();
  }

  /** The policy settings of a configuration file written from {@code yaml}. */
  PolicySettings configured(String yaml) throws Exception {
    Path f = java.nio.file.Files.writeString(dir.resolve("mailgate.yaml"), yaml);
    var loaded = dev.mailgate.config.ConfigLoader.load(f, Map.of());
    assertThat(loaded.formatErrors()).isEmpty();
    return loaded.config().orElseThrow().policySettings();
  }

  @Test
  void loopbackIsLimitedLikeAnyoneWhenTheConfigurationExemptsNoNetwork() throws Exception {
    PolicyFixture f = new PolicyFixture(configured("""
        policies:
          networks: { exempt_from_connection_limits: [] }
          connection_limits: [{ name: one-per-ip, per: ip, max: 1 }]
          rate_limits: []
        """));
    int port = start(f, "imap", Protocol.IMAP, "* OK ready");
    try (LineClient a = new LineClient(port)) {
      assertThat(a.line()).isEqualTo("* OK ready");
      try (LineClient b = new LineClient(port)) {
        assertThat(b.line()).isEqualTo("* BYE [LIMIT] Too many connections, try again later");
        assertThat(b.closedByServer()).isTrue();
      }
    }
    assertThat(f.refusals("one-per-ip")).isEqualTo(1);
  }

  @Test
  void aConfiguredExemptNetworkIsNotLimitedAndLoopbackOutsideItIs() throws Exception {
    PolicyFixture f = new PolicyFixture(configured("""
        policies:
          networks: { exempt_from_connection_limits: [127.0.0.5/32] }
          connection_limits: [{ name: one-per-ip, per: ip, max: 1 }]
          rate_limits: []
        """));
    int port = start(f, "imap", Protocol.IMAP, "* OK ready");
    try (LineClient a = new LineClient("127.0.0.5", port);
        LineClient b = new LineClient("127.0.0.5", port)) {
      assertThat(a.line()).isEqualTo("* OK ready");
      assertThat(b.line()).isEqualTo("* OK ready");
    }
    try (LineClient c = new LineClient("127.0.0.6", port)) {
      assertThat(c.line()).isEqualTo("* OK ready");
      try (LineClient d = new LineClient("127.0.0.6", port)) {
        assertThat(d.line()).isEqualTo("* BYE [LIMIT] Too many connections, try again later");
      }
    }
  }

  @Test
  void aListenerWideLimitCountsEveryClientOfThatListenerOnly() throws Exception {
    PolicyFixture f = new PolicyFixture(settings(NetworkRules.OPEN,
        List.of(new ConnectionLimit("one-per-listener", KeyScope.LISTENER, 1)), List.of()));
    int first = start(f, "submission", Protocol.SUBMISSION, "220 sub ESMTP");
    int second = start(f, "mx", Protocol.SMTP, "220 mx ESMTP");
    try (LineClient a = new LineClient("127.0.0.1", first)) {
      assertThat(a.line()).isEqualTo("220 sub ESMTP");
      try (LineClient b = new LineClient("127.0.0.9", first)) {
        assertThat(b.line()).isEqualTo("421 4.7.0 Too many connections, try again later");
      }
      try (LineClient c = new LineClient("127.0.0.9", second)) {
        assertThat(c.line()).isEqualTo("220 mx ESMTP");
      }
    }
  }
}
