package dev.mailgate.gateway.backend;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.CertificateSpec;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsHandshake;
import dev.mailgate.gateway.tls.TlsSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

class BackendConnectorTest {

  @TempDir static Path dir;
  static Transport transport;
  static TestPki pki;
  static ServerTls serverTls;
  static DisposableServer implicitTlsServer;
  static DisposableServer starttlsServer;

  @BeforeAll
  static void start() throws Exception {
    transport = Transport.create("test-backend", 2);
    pki = TestPki.create("backend CA");
    CertificateSpec cert = pki.issue(dir, "backend", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost", "127.0.0.1");
    serverTls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    implicitTlsServer =
        TcpServer.create().host("127.0.0.1").port(0)
            .handle((in, out) -> {
              Channel ch = ((Connection) in).channel();
              ch.pipeline().addFirst("tls", serverTls.newHandler());
              return TlsHandshake.await(ch, "tls").then(out.sendString(Mono.just("* OK secure\r\n")).then()).then(in.receive().then());
            })
            .bindNow();
    // Plaintext greeting; "STARTTLS" gets "OK" and then a TLS handshake, then "* OK upgraded".
    starttlsServer =
        TcpServer.create().host("127.0.0.1").port(0)
            .handle((in, out) -> {
              Channel ch = ((Connection) in).channel();
              return out.sendString(Mono.just("* OK plain\r\n")).then()
                  .then(in.receive().asString(US_ASCII).next())
                  .flatMap(cmd -> out.sendString(Mono.just("OK go\r\n")).then()
                      .then(Mono.defer(() -> {
                        ch.pipeline().addFirst("tls", serverTls.newHandler());
                        return TlsHandshake.await(ch, "tls");
                      })))
                  .then(out.sendString(Mono.just("* OK upgraded\r\n")).then())
                  .then(Mono.never());
            })
            .bindNow();
  }

  @AfterAll
  static void stop() {
    implicitTlsServer.disposeNow();
    starttlsServer.disposeNow();
    serverTls.close();
    transport.close();
  }

  static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static BackendConnector connector(int retries, int window) {
    return new BackendConnector(
        transport,
        new BackendConnector.Policy(
            retries,
            Duration.ofMillis(10),
            CircuitBreakerConfig.custom()
                .slidingWindowSize(window)
                .minimumNumberOfCalls(window)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1))
                .build()));
  }

  static String firstLine(BackendConnection c) {
    return c.receive().map(o -> ((ByteBuf) o).toString(US_ASCII)).next().block(Duration.ofSeconds(5));
  }

  ClientTlsSpec caTrust() throws Exception {
    return ClientTlsSpec.of(new BackendTrust.CaFile(pki.writeCa(dir)));
  }

  @Test
  void moreThanFiveHundredBackendConnectionsAreOpenAtOnceNoneShared() throws Exception {
    // reactor-netty's shared pool would hold the 501st connect until its 45 s acquire timeout
    DisposableServer silent = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> in.receive().then())
        .bindNow();
    List<BackendConnection> open = new java.util.ArrayList<>();
    try {
      Backend b = connector(0, 10).backend(BackendSpec.of("many", "127.0.0.1", silent.port(), BackendTlsMode.NONE));
      BackendConnector c = connector(0, 10);
      for (int i = 0; i < 520; i++) {
        open.add(c.connect(List.of(b)).block(Duration.ofSeconds(10)));
      }
      assertThat(open).hasSize(520);
      assertThat(open.stream().map(bc -> bc.connection().channel()).distinct()).hasSize(520);
    } finally {
      open.forEach(BackendConnection::close);
      silent.disposeNow();
    }
  }

  @Test
  void anOpenBackendConnectionDoesNotKeepWhatSubscribedToItsConnect() throws Exception {
    // reactor-netty keeps the connect's observer, and its sink, for the channel's life: without a
    // detach, everything downstream of connect() (a session's whole login chain) stayed reachable
    // for as long as the relayed session was open.
    DisposableServer silent = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> in.receive().then())
        .bindNow();
    try {
      BackendConnector c = connector(0, 10);
      Backend b = c.backend(BackendSpec.of("detach", "127.0.0.1", silent.port(), BackendTlsMode.NONE));
      java.lang.ref.WeakReference<Object>[] downstream = new java.lang.ref.WeakReference[1];
      BackendConnection conn = connectHolding(c, b, downstream);
      try {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
          System.gc();
          return downstream[0].get() == null;
        });
        assertThat(conn.connection().channel().isActive()).isTrue();
      } finally {
        conn.close();
      }
    } finally {
      silent.disposeNow();
    }
  }

  /** Connects with a subscriber chain that holds an object only this method has seen. */
  private static BackendConnection connectHolding(BackendConnector c, Backend b, java.lang.ref.WeakReference<Object>[] ref) {
    Object held = new byte[1024];
    ref[0] = new java.lang.ref.WeakReference<>(held);
    return c.connect(List.of(b)).map(bc -> held.hashCode() == 0 ? bc : bc).block(Duration.ofSeconds(10));
  }

  @Test
  void implicitTlsBackendIsVerifiedAgainstTheCaFile() throws Exception {
    BackendConnector c = connector(0, 10);
    Backend b = c.backend(BackendSpec.of("imaps", "127.0.0.1", implicitTlsServer.port(), BackendTlsMode.IMPLICIT).withTls(caTrust()));
    BackendConnection conn = c.connect(List.of(b)).block(Duration.ofSeconds(10));
    try {
      assertThat(conn.isTls()).isTrue();
      assertThat(conn.tls().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(firstLine(conn)).isEqualTo("* OK secure\r\n");
    } finally {
      conn.close();
    }
  }

  @Test
  void aPinMismatchMakesTheBackendUnavailable() throws Exception {
    BackendConnector c = connector(0, 10);
    Backend b = c.backend(BackendSpec.of("imaps", "127.0.0.1", implicitTlsServer.port(), BackendTlsMode.IMPLICIT)
        .withTls(ClientTlsSpec.of(new BackendTrust.PinnedSha256(new byte[32]))));
    assertThatThrownBy(() -> c.connect(List.of(b)).block(Duration.ofSeconds(10)))
        .isInstanceOf(BackendUnavailable.class)
        .satisfies(e -> assertThat(((BackendUnavailable) e).attempts()).singleElement()
            .satisfies(a -> assertThat(a.reason()).containsIgnoringCase("ssl")));
  }

  @Test
  void starttlsUpgradeAfterThePlaintextExchange() throws Exception {
    BackendConnector c = connector(0, 10);
    Backend b = c.backend(BackendSpec.of("imap", "127.0.0.1", starttlsServer.port(), BackendTlsMode.STARTTLS).withTls(caTrust()));
    BackendConnection conn = c.connect(List.of(b)).block(Duration.ofSeconds(10));
    try {
      assertThat(conn.isTls()).isFalse();
      assertThat(firstLine(conn)).isEqualTo("* OK plain\r\n");
      conn.connection().outbound().sendString(Mono.just("a STARTTLS\r\n")).then().block(Duration.ofSeconds(5));
      assertThat(firstLine(conn)).isEqualTo("OK go\r\n");
      assertThat(conn.startTls().block(Duration.ofSeconds(10)).getProtocol()).isEqualTo("TLSv1.3");
      assertThat(firstLine(conn)).isEqualTo("* OK upgraded\r\n");
    } finally {
      conn.close();
    }
  }

  @Test
  void aRefusedCandidateFailsOverToTheNext() throws Exception {
    BackendConnector c = connector(1, 10);
    Backend dead = c.backend(BackendSpec.of("dead", "127.0.0.1", deadPort(), BackendTlsMode.NONE));
    Backend live = c.backend(BackendSpec.of("live", "127.0.0.1", starttlsServer.port(), BackendTlsMode.NONE));
    BackendConnection conn = c.connect(List.of(dead, live)).block(Duration.ofSeconds(10));
    try {
      assertThat(conn.backend().name()).isEqualTo("live");
      // One attempt plus one retry on the dead one, both recorded by its breaker.
      assertThat(dead.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
    } finally {
      conn.close();
    }
  }

  @Test
  void everyCandidateDownIsBackendUnavailableWithEachReason() throws Exception {
    BackendConnector c = connector(0, 10);
    Backend a = c.backend(BackendSpec.of("a", "127.0.0.1", deadPort(), BackendTlsMode.NONE));
    Backend b = c.backend(BackendSpec.of("b", "127.0.0.1", deadPort(), BackendTlsMode.NONE));
    assertThatThrownBy(() -> c.connect(List.of(a, b)).block(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(BackendUnavailable.class, e ->
            assertThat(e.attempts()).extracting(BackendUnavailable.Attempt::backend).containsExactly("a", "b"));
  }

  @Test
  void theCircuitOpensAfterRepeatedFailuresAndSkipsTheBackend() throws Exception {
    BackendConnector c = connector(0, 2);
    Backend dead = c.backend(BackendSpec.of("dead", "127.0.0.1", deadPort(), BackendTlsMode.NONE));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> c.connect(List.of(dead)).block(Duration.ofSeconds(10))).isInstanceOf(BackendUnavailable.class);
    }
    assertThat(dead.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> c.connect(List.of(dead)).block(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(BackendUnavailable.class, e ->
            assertThat(e.attempts()).singleElement().extracting(BackendUnavailable.Attempt::reason).isEqualTo("circuit open"));
  }

  @Test
  void aConnectTimeoutIsBounded() throws Exception {
    BackendConnector c = connector(0, 10);
    // 192.0.2.0/24 (TEST-NET-1) is not routed: the SYN goes nowhere or is refused by the host.
    Backend blackhole = c.backend(BackendSpec.of("blackhole", "192.0.2.1", 143, BackendTlsMode.NONE).withConnectTimeout(Duration.ofMillis(300)));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> c.connect(List.of(blackhole)).block(Duration.ofSeconds(10))).isInstanceOf(BackendUnavailable.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }
}
