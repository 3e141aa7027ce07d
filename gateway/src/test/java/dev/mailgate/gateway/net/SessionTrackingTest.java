package dev.mailgate.gateway.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.metrics.GatewayMetrics;
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
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * What the listener does for every session without the protocol's help: registers it at accept,
 * counts its wire bytes (TLS records included), records its TLS parameters and handshake failures,
 * and when the connection closes ends its record once, with a reason it can tell on its own.
 */
class SessionTrackingTest {

  @TempDir static Path dir;
  static Transport transport;
  static ServerTls tls;

  final List<SessionSnapshot> ended = new CopyOnWriteArrayList<>();
  SimpleMeterRegistry meters;
  SessionRegistry sessions;
  ListenerRegistry listeners;

  @BeforeAll
  static void startTls() throws Exception {
    transport = Transport.create("test-tracking", 1);
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
  }

  @AfterAll
  static void stopTls() {
    tls.close();
    transport.close();
  }

  @BeforeEach
  void registry() {
    meters = new SimpleMeterRegistry();
    sessions = new SessionRegistry(Clock.systemUTC(), new SessionIds(7), List.of(new SessionListener() {
      @Override
      public void opened(SessionRecord session) {}

      @Override
      public void ended(SessionSnapshot session) {
        ended.add(session);
      }
    }));
    listeners = new ListenerRegistry(transport, new SessionTracking(sessions, GatewayMetrics.on(meters)));
  }

  @AfterEach
  void close() {
    listeners.close();
  }

  private RunningListener start(TlsMode mode, ProtocolHandler handler) {
    return start(ListenerTest.spec("l-" + mode.name().toLowerCase(), mode), handler);
  }

  private RunningListener start(ListenerSpec spec, ProtocolHandler handler) {
    return listeners.start(spec, ListenerBinding.of(handler, tls)).block(Duration.ofSeconds(10));
  }

  private SessionSnapshot awaitEnded() {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ended.isEmpty());
    assertThat(ended).hasSize(1);
    return ended.get(0);
  }

  /** The server closed: end of stream, or a reset when it closed with our bytes unread. */
  private static void assertClosedByServer(BufferedReader r) {
    try {
      assertThat(r.read()).isEqualTo(-1);
    } catch (java.io.IOException e) {
      assertThat(e).hasMessageContaining("reset");
    }
  }

  private double counter(String name, String... tags) {
    var c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aSessionIsListedFromAcceptAndEndsOnceWithItsExactPlaintextBytesWhenTheClientCloses() throws Exception {
    RunningListener l = start(TlsMode.NONE, ListenerTest.ECHO);
    String greeting = "* OK tls=none client=127.0.0.1\r\n";
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      assertThat(r.readLine() + "\r\n").isEqualTo(greeting);
      s.getOutputStream().write("hello\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: hello");

      assertThat(sessions.all()).singleElement().satisfies(rec -> {
        assertThat(rec.snapshot().clientPort()).isEqualTo(s.getLocalPort());
        assertThat(rec.listener()).isEqualTo("l-none");
        assertThat(rec.bytesIn()).isEqualTo(7);
      });
    }
    SessionSnapshot end = awaitEnded();
    assertThat(end.endReason()).isEqualTo(EndReason.CLIENT_CLOSED);
    assertThat(end.bytesIn()).isEqualTo("hello\r\n".length());
    assertThat(end.bytesOut()).isEqualTo(greeting.length() + "got: hello\r\n".length());
    assertThat(end.tls()).isNull();
    assertThat(sessions.size()).isZero();
    assertThat(counter("mailgate.bytes.in", "protocol", "imap")).isEqualTo(7);
  }

  @Test
  void implicitTlsRecordsTheVersionAndCountsTheEncryptedBytes() throws Exception {
    RunningListener l = start(TlsMode.IMPLICIT, ListenerTest.ECHO);
    try (Socket plain = ListenerTest.connect(l.port()); SSLSocket s = ListenerTest.wrapTls(plain, l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      r.readLine();
      s.getOutputStream().write("hello\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("got: hello");
      SessionSnapshot live = sessions.all().iterator().next().snapshot();
      assertThat(live.tls().version()).isEqualTo(s.getSession().getProtocol());
      assertThat(live.tls().cipher()).isEqualTo(s.getSession().getCipherSuite());
      // a TLS record around 7 bytes of payload, after a whole handshake
      assertThat(live.bytesIn()).isGreaterThan(100);
    }
    awaitEnded();
    assertThat(counter("mailgate.tls.handshakes", "listener", "l-implicit", "version", "TLSv1.3")).isEqualTo(1);
  }

  @Test
  void aStartTlsHandshakeThatFailsEndsTheSessionAsTlsFailedAndIsCounted() throws Exception {
    RunningListener l = start(TlsMode.STARTTLS, ListenerTest.ECHO);
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      r.readLine();
      OutputStream out = s.getOutputStream();
      out.write("STARTTLS\r\n".getBytes(US_ASCII));
      assertThat(r.readLine()).isEqualTo("OK begin TLS");
      out.write("this is not a TLS record\r\n".getBytes(US_ASCII));
      assertClosedByServer(r);
    }
    SessionSnapshot end = awaitEnded();
    assertThat(end.endReason()).isEqualTo(EndReason.TLS_FAILED);
    assertThat(end.tls()).isNull();
    assertThat(counter("mailgate.tls.handshake.failures", "listener", "l-starttls", "version", "unknown"))
        .isEqualTo(1);
  }

  @Test
  void aSessionThatFinishesOnItsOwnEndsAsServerClosed() throws Exception {
    RunningListener l = start(TlsMode.NONE,
        (c, ctx) -> c.outbound().sendString(Mono.just("* BYE not today\r\n")).then());
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      assertThat(r.readLine()).isEqualTo("* BYE not today");
      assertThat(r.read()).isEqualTo(-1);
    }
    assertThat(awaitEnded().endReason()).isEqualTo(EndReason.SERVER_CLOSED);
  }

  @Test
  void theReasonTheSessionNotedWinsAndALoginNamesTheUserAndIsCounted() throws Exception {
    RunningListener l = start(TlsMode.NONE, (c, ctx) -> {
      ctx.addCodec("codec", new LineBasedFrameDecoder(1000));
      return ctx.receiveObject().concatMap(m -> {
        ctx.loginFailed("PLAIN");
        ctx.loginSucceeded("alice@example.test", "PLAIN");
        ctx.ending(EndReason.CLIENT_QUIT);
        return c.outbound().sendString(Mono.just("bye\r\n")).then();
      }, 0).take(1).then();
    });
    try (Socket s = ListenerTest.connect(l.port())) {
      s.getOutputStream().write("LOGOUT\r\n".getBytes(US_ASCII));
      BufferedReader r = ListenerTest.reader(s);
      assertThat(r.readLine()).isEqualTo("bye");
    }
    SessionSnapshot end = awaitEnded();
    assertThat(end.endReason()).isEqualTo(EndReason.CLIENT_QUIT);
    assertThat(end.user()).isEqualTo("alice@example.test");
    assertThat(counter("mailgate.logins", "protocol", "imap", "mechanism", "plain", "outcome", "success"))
        .isEqualTo(1);
    assertThat(counter("mailgate.logins", "protocol", "imap", "mechanism", "plain", "outcome", "failure"))
        .isEqualTo(1);
  }

  @Test
  void aKickWithoutAGoodbyeHookClosesTheConnectionAndIsTheReason() throws Exception {
    RunningListener l = start(TlsMode.NONE, ListenerTest.ECHO);
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      r.readLine();
      assertThat(sessions.kick(sessions.all().iterator().next())).isTrue();
      assertThat(r.read()).isEqualTo(-1);
    }
    assertThat(awaitEnded().endReason()).isEqualTo(EndReason.KICKED);
  }

  @Test
  void theDrainHookRunsOnTheEventLoopInsteadOfClosing() throws Exception {
    RunningListener l = start(TlsMode.NONE, (c, ctx) -> {
      ctx.onDrain(() -> c.outbound().sendString(Mono.just("* BYE [UNAVAILABLE] draining\r\n")).then()
          .subscribe(null, e -> c.dispose(), c::dispose));
      return c.outbound().sendString(Mono.just("* OK\r\n")).then().then(Mono.never());
    });
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      assertThat(r.readLine()).isEqualTo("* OK");
      assertThat(sessions.drainAll()).isEqualTo(1);
      assertThat(r.readLine()).isEqualTo("* BYE [UNAVAILABLE] draining");
      assertThat(r.read()).isEqualTo(-1);
    }
    assertThat(awaitEnded().endReason()).isEqualTo(EndReason.DRAIN);
  }

  @Test
  void thePreLoginTimeoutIsTheReason() throws Exception {
    ListenerSpec spec = ListenerTest.spec("slow", TlsMode.NONE).withTimeouts(Duration.ofMillis(200), Duration.ofMinutes(5));
    RunningListener l = start(spec, ListenerTest.ECHO);
    try (Socket s = ListenerTest.connect(l.port())) {
      BufferedReader r = ListenerTest.reader(s);
      r.readLine();
      assertThat(r.read()).as("closed by the timeout").isEqualTo(-1);
    }
    assertThat(awaitEnded().endReason()).isEqualTo(EndReason.PRE_LOGIN_TIMEOUT);
  }

  @Test
  void aClientNamedByAProxyHeaderReplacesThePeerInTheRecord() {
    InetSocketAddress real = new InetSocketAddress("192.0.2.7", 40001);
    SessionRecord rec = sessions.open("x-1",
        new dev.mailgate.gateway.session.SessionStart(Protocol.IMAP, "imap", new InetSocketAddress("127.0.0.1", 5000)),
        new dev.mailgate.gateway.session.SessionControl() {
          @Override
          public void kick() {}

          @Override
          public void drain() {}

          @Override
          public void close() {}
        });
    rec.clientFromProxyHeader(real);
    assertThat(rec.snapshot().clientAddress()).isEqualTo("192.0.2.7");
    assertThat(rec.snapshot().clientPort()).isEqualTo(40001);
  }
}
