package dev.mailgate.gateway.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

class ListenerTest {

  @TempDir static Path dir;
  static Transport transport;
  static ServerTls tls;
  ListenerRegistry registry;

  @BeforeAll
  static void setUp() throws Exception {
    transport = Transport.create("test-listeners", 2);
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
  }

  @AfterAll
  static void tearDown() {
    tls.close();
    transport.close();
  }

  @BeforeAll
  static void noop() {}

  @org.junit.jupiter.api.BeforeEach
  void registry() {
    registry = new ListenerRegistry(transport);
  }

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  static ListenerSpec spec(String name, TlsMode mode) {
    return ListenerSpec.of(name, Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), mode);
  }

  /** Greets with the session facts, then answers each line with "got: LINE" (lines via a codec). */
  static final ProtocolHandler ECHO =
      (c, ctx) -> {
        ctx.addCodec("codec", new LineBasedFrameDecoder(1000));
        return c.outbound()
            .sendString(Mono.just("* OK tls=" + (ctx.isTls() ? ctx.tls().getProtocol() : "none") + " client=" + ctx.client().getAddress().getHostAddress() + "\r\n"))
            .then()
            .thenMany(ctx.receiveObject().concatMap(m -> line(c, ctx, m), 0))
            .then();
      };

  static Mono<Void> line(Connection c, SessionContext ctx, Object msg) {
    String line = ((ByteBuf) msg).toString(US_ASCII); // reactor-netty releases it after onNext
    if (line.equals("STARTTLS")) {
      return c.outbound().sendString(Mono.just("OK begin TLS\r\n")).then()
          .then(StartTls.upgrade(ctx, tls, Map.of("codec", () -> new LineBasedFrameDecoder(1000))))
          .then();
    }
    if (line.equals("LOGIN")) {
      ctx.authenticated();
    }
    return c.outbound().sendString(Mono.just("got: " + line + "\r\n")).then();
  }

  static Socket connect(int port) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(5000);
    return s;
  }

  static BufferedReader reader(Socket s) throws Exception {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
  }

  static SSLSocket wrapTls(Socket plain, int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
    s.startHandshake();
    return s;
  }

  @Test
  void plaintextListenerRunsTheHandlerOnTheNativeTransport() throws Exception {
    RunningListener l = registry.start(spec("imap", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    assertThat(l.transport()).isIn("io_uring", "epoll");
    try (Socket s = connect(l.port())) {
      BufferedReader r = reader(s);
      assertThat(r.readLine()).isEqualTo("* OK tls=none client=127.0.0.1");
      s.getOutputStream().write("a\r\nb\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: a");
      assertThat(r.readLine()).isEqualTo("got: b");
      assertThat(s.getTcpNoDelay()).isFalse(); // client side default; the server side is set below
    }
  }

  @Test
  void implicitTlsCompletesTheHandshakeBeforeTheGreeting() throws Exception {
    RunningListener l = registry.start(spec("imaps", TlsMode.IMPLICIT), ListenerBinding.of(ECHO, tls)).block();
    try (Socket plain = connect(l.port()); SSLSocket s = wrapTls(plain, l.port())) {
      BufferedReader r = reader(s);
      assertThat(r.readLine()).isEqualTo("* OK tls=TLSv1.3 client=127.0.0.1");
      s.getOutputStream().write("x\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: x");
    }
  }

  @Test
  void starttlsDiscardsCommandsPipelinedAfterIt() throws Exception {
    RunningListener l = registry.start(spec("imap", TlsMode.STARTTLS), ListenerBinding.of(ECHO, tls)).block();
    try (Socket plain = connect(l.port())) {
      BufferedReader pr = reader(plain);
      assertThat(pr.readLine()).startsWith("* OK tls=none");
      plain.getOutputStream().write("STARTTLS\r\nINJECTED\r\n".getBytes(US_ASCII));
      assertThat(pr.readLine()).isEqualTo("OK begin TLS");
      SSLSocket s = wrapTls(plain, l.port());
      s.getOutputStream().write("HELLO\r\n".getBytes(US_ASCII));
      assertThat(reader(s).readLine()).isEqualTo("got: HELLO");
    }
  }

  @Test
  void starttlsDiscardsAPartialLineBufferedInTheCodec() throws Exception {
    RunningListener l = registry.start(spec("imap", TlsMode.STARTTLS), ListenerBinding.of(ECHO, tls)).block();
    try (Socket plain = connect(l.port())) {
      BufferedReader pr = reader(plain);
      pr.readLine();
      plain.getOutputStream().write("STARTTLS\r\nRCPT TO:<evil@example.test>".getBytes(US_ASCII));
      assertThat(pr.readLine()).isEqualTo("OK begin TLS");
      SSLSocket s = wrapTls(plain, l.port());
      s.getOutputStream().write("HELLO\r\n".getBytes(US_ASCII));
      assertThat(reader(s).readLine()).isEqualTo("got: HELLO");
    }
  }

  @Test
  void plaintextStillInTheSocketAfterStarttlsFailsTheHandshake() throws Exception {
    RunningListener l = registry.start(spec("imap", TlsMode.STARTTLS), ListenerBinding.of(ECHO, tls)).block();
    try (Socket plain = connect(l.port())) {
      BufferedReader pr = reader(plain);
      pr.readLine();
      plain.getOutputStream().write("STARTTLS\r\n".getBytes(US_ASCII));
      assertThat(pr.readLine()).isEqualTo("OK begin TLS");
      // Plaintext sent after the reply is read as a TLS record: the connection dies, nothing is answered.
      plain.getOutputStream().write("MAIL FROM:<x@example.test>\r\n".getBytes(US_ASCII));
      assertThat(plain.getInputStream().read(new byte[100])).isLessThanOrEqualTo(7 + 100);
      assertThatThrownBy(() -> wrapTls(plain, l.port())).isInstanceOf(java.io.IOException.class);
    }
  }

  static final ProxyHeaderReader HAPROXY_TEST_READER =
      c -> {
        Sinks.One<InetSocketAddress> found = Sinks.one();
        c.channel().pipeline().addFirst("proxy", new HAProxyMessageDecoder());
        c.channel().pipeline().addAfter("proxy", "proxy-capture", new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage m) {
              found.tryEmitValue(new InetSocketAddress(m.sourceAddress(), m.sourcePort()));
              m.release();
              ctx.pipeline().remove(this);
            } else {
              ctx.fireChannelRead(msg);
            }
          }
        });
        c.channel().read();
        return found.asMono();
      };

  @Test
  void proxyHeaderFromATrustedNetworkSetsTheClientBeforeTls() throws Exception {
    ListenerSpec spec = spec("imaps-lb", TlsMode.IMPLICIT).withProxyTrustedNetworks(List.of(CidrRange.parse("127.0.0.0/8")));
    RunningListener l = registry.start(spec, new ListenerBinding(ECHO, tls, HAPROXY_TEST_READER)).block();
    try (Socket plain = connect(l.port())) {
      plain.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 5555 993\r\n".getBytes(US_ASCII));
      SSLSocket s = wrapTls(plain, l.port());
      assertThat(reader(s).readLine()).isEqualTo("* OK tls=TLSv1.3 client=203.0.113.7");
    }
  }

  @Test
  void proxyHeaderFromAnUntrustedPeerIsNotInterpreted() throws Exception {
    ListenerSpec spec = spec("imap-lb", TlsMode.NONE).withProxyTrustedNetworks(List.of(CidrRange.parse("10.0.0.0/8")));
    RunningListener l = registry.start(spec, new ListenerBinding(ECHO, null, HAPROXY_TEST_READER)).block();
    try (Socket s = connect(l.port())) {
      BufferedReader r = reader(s);
      assertThat(r.readLine()).isEqualTo("* OK tls=none client=127.0.0.1");
      s.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 5555 143\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: PROXY TCP4 203.0.113.7 127.0.0.1 5555 143");
    }
  }

  @Test
  void proxyListenerWithoutAReaderClosesTrustedConnections() throws Exception {
    ListenerSpec spec = spec("imap-lb", TlsMode.NONE).withProxyTrustedNetworks(List.of(CidrRange.parse("127.0.0.1")));
    RunningListener l = registry.start(spec, ListenerBinding.of(ECHO, null)).block();
    try (Socket s = connect(l.port())) {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void preLoginTimeoutClosesASessionThatNeverLogsIn() throws Exception {
    ListenerSpec spec = spec("imap", TlsMode.NONE).withTimeouts(Duration.ofMillis(400), Duration.ofMinutes(5));
    RunningListener l = registry.start(spec, ListenerBinding.of(ECHO, null)).block();
    try (Socket s = connect(l.port())) {
      BufferedReader r = reader(s);
      r.readLine();
      long t0 = System.nanoTime();
      s.getOutputStream().write("NOOP\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: NOOP");
      assertThat(r.readLine()).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void loginLiftsThePreLoginTimeoutAndIdleTimeoutStillApplies() throws Exception {
    ListenerSpec spec = spec("imap", TlsMode.NONE).withTimeouts(Duration.ofMillis(300), Duration.ofMillis(900));
    RunningListener l = registry.start(spec, ListenerBinding.of(ECHO, null)).block();
    try (Socket s = connect(l.port())) {
      BufferedReader r = reader(s);
      r.readLine();
      s.getOutputStream().write("LOGIN\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: LOGIN");
      Thread.sleep(500); // past the pre-login timeout, within the idle timeout
      s.getOutputStream().write("NOOP\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: NOOP");
      long t0 = System.nanoTime();
      assertThat(r.readLine()).isNull(); // idle timeout
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(4));
    }
  }

  @Test
  void stoppingOneListenerLeavesOthersAndItsOpenSessionsRunning() throws Exception {
    RunningListener a = registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    RunningListener b = registry.start(spec("b", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    try (Socket open = connect(a.port())) {
      BufferedReader r = reader(open);
      r.readLine();
      Mono<Void> stopping = registry.stop("a", Duration.ofSeconds(10)).cache();
      stopping.subscribe();
      org.awaitility.Awaitility.await().until(() -> !a.isAccepting());
      assertThatThrownBy(() -> connect(a.port())).isInstanceOf(ConnectException.class);
      // The open session on the stopped listener still works (graceful stop).
      open.getOutputStream().write("still\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: still");
      try (Socket other = connect(b.port())) {
        assertThat(reader(other).readLine()).startsWith("* OK");
      }
      assertThat(registry.running()).extracting(x -> x.spec().name()).containsExactly("b");
    }
  }

  @Test
  void stopClosesSessionsStillOpenAfterTheGracePeriod() throws Exception {
    RunningListener a = registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    try (Socket open = connect(a.port())) {
      BufferedReader r = reader(open);
      r.readLine();
      registry.stop("a", Duration.ofMillis(200)).block(Duration.ofSeconds(5));
      assertThat(r.readLine()).isNull();
      assertThat(a.activeConnections()).isZero();
    }
  }

  @Test
  void rebindMovesOneListenerToANewAddress() throws Exception {
    RunningListener a = registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    RunningListener b = registry.start(spec("b", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    try (Socket onB = connect(b.port())) {
      reader(onB).readLine();
      RunningListener moved = registry.rebind(spec("a", TlsMode.IMPLICIT), ListenerBinding.of(ECHO, tls), Duration.ofSeconds(1)).block();
      assertThat(moved.port()).isNotEqualTo(a.port());
      assertThatThrownBy(() -> connect(a.port())).isInstanceOf(ConnectException.class);
      try (Socket plain = connect(moved.port()); SSLSocket s = wrapTls(plain, moved.port())) {
        assertThat(reader(s).readLine()).startsWith("* OK tls=TLSv1.3");
      }
      // The other listener's session was not touched.
      onB.getOutputStream().write("b\r\n".getBytes(US_ASCII));
      assertThat(reader(onB).readLine()).isEqualTo("got: b");
    }
  }

  @Test
  void rebindOnTheSamePortReusesIt() throws Exception {
    RunningListener a = registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    ListenerSpec same = spec("a", TlsMode.IMPLICIT).withBind(a.address());
    RunningListener moved = registry.rebind(same, ListenerBinding.of(ECHO, tls), Duration.ZERO).block();
    assertThat(moved.port()).isEqualTo(a.port());
    try (Socket plain = connect(moved.port()); SSLSocket s = wrapTls(plain, moved.port())) {
      assertThat(reader(s).readLine()).startsWith("* OK tls=TLSv1.3");
    }
  }

  @Test
  void aSecondListenerWithTheSameNameIsRefused() {
    registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block();
    assertThatThrownBy(() -> registry.start(spec("a", TlsMode.NONE), ListenerBinding.of(ECHO, null)).block())
        .hasMessageContaining("already running");
  }
}
