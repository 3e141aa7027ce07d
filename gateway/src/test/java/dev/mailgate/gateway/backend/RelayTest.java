package dev.mailgate.gateway.backend;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

class RelayTest {

  static Transport transport;
  static BackendConnector connector;
  ListenerRegistry registry;
  final Sinks.One<Relay.Result> result = Sinks.one();

  @BeforeAll
  static void start() {
    transport = Transport.create("test-relay", 2);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    transport.close();
  }

  @BeforeEach
  void registry() {
    registry = new ListenerRegistry(transport);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** A gateway listener that relays every connection to {@code backend} with the given residuals. */
  RunningListener gateway(DisposableServer backend, Duration idle, String residualUp, String residualDown) throws Exception {
    Backend b = connector.backend(BackendSpec.of("b" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) ->
            connector.connect(List.of(b))
                .flatMap(conn -> Relay.run(client, ctx.receiveObject(), conn, idle,
                    residualUp == null ? null : Unpooled.copiedBuffer(residualUp, US_ASCII),
                    residualDown == null ? null : Unpooled.copiedBuffer(residualDown, US_ASCII)))
                .doOnNext(result::tryEmitValue)
                .then();
    return listen(relay);
  }

  /** A plaintext gateway listener on a free port whose sessions run {@code relay}. */
  RunningListener listen(ProtocolHandler relay) {
    ListenerSpec spec = ListenerSpec.of("relay", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    return registry.start(spec, ListenerBinding.of(relay, null)).block();
  }

  static DisposableServer echo() {
    return TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> out.send(in.receive().retain()))
        .bindNow();
  }

  static String read(InputStream in, int n) throws Exception {
    return new String(in.readNBytes(n), US_ASCII);
  }

  @Test
  void residualBytesGoFirstThenBothDirectionsFlowAndAreCounted() throws Exception {
    DisposableServer backend = echo();
    try {
      RunningListener gw = gateway(backend, Duration.ofMinutes(1), "a1 NOOP\r\n", "* OK [CAPABILITY IMAP4rev1] hi\r\n");
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        assertThat(read(in, 32)).isEqualTo("* OK [CAPABILITY IMAP4rev1] hi\r\n");
        assertThat(read(in, 9)).isEqualTo("a1 NOOP\r\n"); // the residual reached the backend first
        s.getOutputStream().write("a2 LOGOUT\r\n".getBytes(US_ASCII));
        assertThat(read(in, 11)).isEqualTo("a2 LOGOUT\r\n");
      }
      Relay.Result r = result.asMono().block(Duration.ofSeconds(5));
      assertThat(r.end()).isEqualTo(Relay.End.CLIENT_CLOSED);
      assertThat(r.clientToBackend()).isEqualTo(11); // residuals are not counted as relayed reads
      assertThat(r.backendToClient()).isEqualTo(9 + 11);
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void bytesTheBackendSentBeforeTheRelayStartedReachTheClientInOrder() throws Exception {
    // The login dialogue reads the greeting and leaves; what the backend sends next is parked in
    // the inbound stream until the relay starts, and must reach the client ahead of later bytes.
    DisposableServer backend = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> out.sendString(Mono.just("* OK hi\r\n")).then()
            .then(Mono.delay(Duration.ofMillis(50)))
            .then(out.sendString(Mono.just("* 1 EXISTS\r\n")).then())
            .then(out.send(in.receive().retain()).then()))
        .bindNow();
    Backend b = connector.backend(BackendSpec.of("parked" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) ->
            connector.connect(List.of(b))
                .flatMap(conn -> conn.receive().next().thenReturn(conn))
                .delayElement(Duration.ofMillis(300))
                .flatMap(conn -> Relay.run(client, ctx.receiveObject(), conn, Duration.ofMinutes(1), null, null))
                .doOnNext(result::tryEmitValue)
                .then();
    try {
      RunningListener gw = listen(relay);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        assertThat(read(s.getInputStream(), 12)).isEqualTo("* 1 EXISTS\r\n");
        s.getOutputStream().write("a NOOP\r\n".getBytes(US_ASCII));
        assertThat(read(s.getInputStream(), 8)).isEqualTo("a NOOP\r\n");
      }
      assertThat(result.asMono().block(Duration.ofSeconds(5)).end()).isEqualTo(Relay.End.CLIENT_CLOSED);
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void anUnpacedRelayIsAHandlerInEachPipelineNotASender() throws Exception {
    // An idle session must not hold two reactor-netty senders and their queues (PipelineRelay).
    java.util.concurrent.CompletableFuture<List<Boolean>> handlers = new java.util.concurrent.CompletableFuture<>();
    DisposableServer backend = echo();
    Backend b = connector.backend(BackendSpec.of("handler" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) ->
            connector.connect(List.of(b))
                .flatMap(conn -> Relay.run(client, ctx.receiveObject(), conn, Duration.ofMinutes(1), null, null)
                    .doOnSubscribe(x -> client.channel().eventLoop().schedule(() -> conn.connection().channel().eventLoop()
                        .execute(() -> handlers.complete(List.of(
                            client.channel().pipeline().get(PipelineRelay.NAME) != null,
                            conn.connection().channel().pipeline().get(PipelineRelay.NAME) != null))),
                        100, java.util.concurrent.TimeUnit.MILLISECONDS)))
                .then();
    try {
      RunningListener gw = listen(relay);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write("a NOOP\r\n".getBytes(US_ASCII));
        assertThat(read(s.getInputStream(), 8)).isEqualTo("a NOOP\r\n");
        assertThat(handlers.get(5, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(true, true);
      }
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void theBackendClosingClosesTheClient() throws Exception {
    DisposableServer backend = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> in.receive().next().then(out.sendString(Mono.just("* BYE bye\r\n")).then())
            .then(Mono.delay(Duration.ofMillis(300))).then())
        .bindNow();
    try {
      RunningListener gw = gateway(backend, Duration.ofMinutes(1), null, null);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write("a LOGOUT\r\n".getBytes(US_ASCII));
        assertThat(read(s.getInputStream(), 11)).isEqualTo("* BYE bye\r\n");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(result.asMono().block(Duration.ofSeconds(5)).end()).isEqualTo(Relay.End.BACKEND_CLOSED);
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void aBackendThatWritesItsLastBytesAndClosesAtOnceLosesNothing() throws Exception {
    // The POP3 QUIT / IMAP LOGOUT shape: the backend answers and closes in the same instant, while
    // the client-to-backend direction may notice the close first.
    String bye = "* BYE logging out\r\n" + "x".repeat(40_000) + "\r\na OK done\r\n";
    DisposableServer backend = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> in.receive().next().then(out.sendString(Mono.just(bye)).then()))
        .bindNow();
    try {
      RunningListener gw = gateway(backend, Duration.ofMinutes(1), null, null);
      for (int round = 0; round < 10; round++) {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
          s.setSoTimeout(5000);
          s.getOutputStream().write("a LOGOUT\r\n".getBytes(US_ASCII));
          assertThat(read(s.getInputStream(), bye.length())).isEqualTo(bye);
          assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
      }
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void silenceBothWaysEndsTheRelayAfterTheIdleTimeout() throws Exception {
    DisposableServer backend = echo();
    try {
      RunningListener gw = gateway(backend, Duration.ofMillis(400), null, null);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        long t0 = System.nanoTime();
        s.getOutputStream().write("x".getBytes(US_ASCII));
        assertThat(s.getInputStream().read()).isEqualTo('x');
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        long elapsed = System.nanoTime() - t0;
        assertThat(result.asMono().block(Duration.ofSeconds(5)).end()).isEqualTo(Relay.End.IDLE_TIMEOUT);
        assertThat(Duration.ofNanos(elapsed)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      }
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void aSlowClientStopsReadsFromAFastBackend() throws Exception {
    AtomicLong produced = new AtomicLong();
    byte[] chunk = new byte[16 * 1024];
    // A backend that sends as fast as its socket lets it (reactor-netty's send honours writability).
    DisposableServer firehose = TcpServer.create().host("127.0.0.1").port(0)
        .handle((in, out) -> out.send(Flux.<ByteBuf>generate(sink -> sink.next(Unpooled.wrappedBuffer(chunk)))
            .doOnNext(b -> produced.addAndGet(b.readableBytes()))))
        .bindNow();
    try {
      RunningListener gw = gateway(firehose, Duration.ofMinutes(1), null, null);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setReceiveBufferSize(64 * 1024);
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        long consumed = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        long producedAtOneSecond = -1;
        while (System.nanoTime() < deadline) {
          consumed += Math.max(0, in.read(buf)); // 4 KiB per 10 ms: about 400 KiB/s
          Thread.sleep(10);
          if (producedAtOneSecond < 0 && System.nanoTime() > deadline - Duration.ofSeconds(2).toNanos()) {
            producedAtOneSecond = produced.get();
          }
        }
        long inFlight = produced.get() - consumed;
        // Without backpressure loopback would carry gigabytes in 3 s. With it, what is in flight is
        // the kernel socket buffers plus the bounded queues of the relay and of the test backend.
        assertThat(inFlight).as("bytes produced but not consumed").isLessThan(48L * 1024 * 1024);
        // After the buffers filled, production follows consumption (about 800 KiB in 2 s), not the wire.
        assertThat(produced.get() - producedAtOneSecond).isLessThan(8L * 1024 * 1024);
        System.out.printf("relay backpressure: produced %d B, consumed %d B, in flight %d B%n", produced.get(), consumed, inFlight);
      }
    } finally {
      firehose.disposeNow();
    }
  }

  @Test
  void readsAfterALoginAreNoLargerThanTheReadLimit() throws Exception {
    // Netty fixes a channel's read sizing at its first read; a session reads its login before the
    // relay starts, so the limit must hold from the channel's creation, not from the relay's start.
    AtomicLong largestClientRead = new AtomicLong();
    AtomicLong largestBackendRead = new AtomicLong();
    DisposableServer backend = echo();
    Backend b = connector.backend(BackendSpec.of("reads" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) -> ctx.receiveObject().next() // the "login": the first read, before the relay
            .flatMap(login -> {
              client.channel().pipeline().addFirst(new LargestRead(largestClientRead));
              return connector.connect(List.of(b))
                  .flatMap(conn -> conn.connection().outbound().sendObject(Unpooled.copiedBuffer("x\r\n", US_ASCII)).then()
                      .then(conn.receive().next()) // its echo, read before the relay as a greeting would be
                      .thenReturn(conn));
            })
            .flatMap(conn -> {
              conn.connection().channel().pipeline().addFirst(new LargestRead(largestBackendRead));
              return Relay.run(client, ctx.receiveObject(), conn, Duration.ofMinutes(1), null,
                  Unpooled.copiedBuffer("a OK\r\n", US_ASCII));
            })
            .doOnNext(result::tryEmitValue)
            .then();
    int total = 4 * 1024 * 1024;
    try {
      RunningListener gw = listen(relay);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("a LOGIN u p\r\n".getBytes(US_ASCII));
        assertThat(read(s.getInputStream(), 6)).isEqualTo("a OK\r\n"); // the relay has started
        byte[] chunk = new byte[256 * 1024];
        Thread writer = new Thread(() -> {
          try {
            for (int sent = 0; sent < total; sent += chunk.length) {
              s.getOutputStream().write(chunk);
            }
          } catch (java.io.IOException e) {
            // the assertion on the bytes read back reports it
          }
        });
        writer.start();
        assertThat(s.getInputStream().readNBytes(total)).hasSize(total);
        writer.join(10_000);
      }
      assertThat(largestClientRead.get()).isPositive().isLessThanOrEqualTo(Relay.MAX_READ);
      assertThat(largestBackendRead.get()).isPositive().isLessThanOrEqualTo(Relay.MAX_READ);
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void aWriteTheClientsPipelineRefusesEndsTheRelayAtOnce() throws Exception {
    // RelayGoodbye refuses the backend's bytes once it has said goodbye; the refused write ends the
    // relay there and then (both sockets still open: the reason is ERROR).
    DisposableServer backend = echo();
    Backend b = connector.backend(BackendSpec.of("refusedc" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) -> {
          client.channel().pipeline().addFirst(new RefuseWrites());
          return connector.connect(List.of(b))
              .flatMap(conn -> Relay.run(client, ctx.receiveObject(), conn, Duration.ofMinutes(1), null, null))
              .doOnNext(result::tryEmitValue)
              .then();
        };
    try {
      RunningListener gw = listen(relay);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(5000);
        long t0 = System.nanoTime();
        s.getOutputStream().write("a NOOP\r\n".getBytes(US_ASCII));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat(result.asMono().block(Duration.ofSeconds(5)).end()).isEqualTo(Relay.End.ERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Relay.DRAIN_GRACE);
      }
    } finally {
      backend.disposeNow();
    }
  }

  @Test
  void aWriteTheBackendsPipelineRefusesEndsTheRelayAfterTheDrainGrace() throws Exception {
    // A failed write towards the backend leaves the backend-to-client direction DRAIN_GRACE to
    // deliver what is in flight, then ends the relay.
    DisposableServer backend = echo();
    Backend b = connector.backend(BackendSpec.of("refusedb" + backend.port(), "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    ProtocolHandler relay =
        (client, ctx) ->
            connector.connect(List.of(b))
                .flatMap(conn -> {
                  conn.connection().channel().pipeline().addFirst(new RefuseWrites());
                  return Relay.run(client, ctx.receiveObject(), conn, Duration.ofMinutes(1), null,
                      Unpooled.copiedBuffer("* OK\r\n", US_ASCII));
                })
                .doOnNext(result::tryEmitValue)
                .then();
    try {
      RunningListener gw = listen(relay);
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoTimeout(10_000);
        assertThat(read(s.getInputStream(), 6)).isEqualTo("* OK\r\n"); // the relay has started
        long t0 = System.nanoTime();
        s.getOutputStream().write("a NOOP\r\n".getBytes(US_ASCII));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .isBetween(Relay.DRAIN_GRACE.minusMillis(100), Relay.DRAIN_GRACE.plusSeconds(3));
        assertThat(result.asMono().block(Duration.ofSeconds(5)).end()).isEqualTo(Relay.End.ERROR);
      }
    } finally {
      backend.disposeNow();
    }
  }

  /** Fails every buffer written through it, as RelayGoodbye does after its goodbye. */
  static final class RefuseWrites extends io.netty.channel.ChannelOutboundHandlerAdapter {
    @Override
    public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        buf.release();
        promise.tryFailure(new java.nio.channels.ClosedChannelException());
        return;
      }
      ctx.write(msg, promise);
    }
  }

  /** Records the largest buffer a channel read. */
  static final class LargestRead extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final AtomicLong largest;

    LargestRead(AtomicLong largest) {
      this.largest = largest;
    }

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        largest.accumulateAndGet(buf.readableBytes(), Math::max);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
