package dev.mailgate.bench.load.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;

/**
 * One client connection that speaks in lock step: write a command, wait for its whole response
 * (framed by {@link ResponseFramer}), then the next. Built on a reactor-netty {@link TcpClient};
 * responses arrive through the connection's inbound flux, so nothing is lost between the connect
 * (and TLS handshake) and the first read.
 */
public final class MailConnection {

  private final Connection connection;
  private final ResponseFramer framer = new ResponseFramer();
  private volatile CompletableFuture<Response> pending;
  private volatile long sentAt;

  private MailConnection(Connection connection) {
    this.connection = connection;
  }

  /** Connects (and handshakes, when the client is secured) and waits for the greeting. */
  public static Mono<MailConnection> open(TcpClient client, Expect greeting) {
    return client.connect().flatMap(c -> {
      MailConnection m = new MailConnection(c);
      CompletableFuture<Response> greeted = m.expect(greeting, null);
      c.inbound().receive().subscribe(m::onData, m::onError, m::onClosed);
      return Mono.fromFuture(greeted).thenReturn(m);
    });
  }

  /** Writes {@code line} plus CRLF and returns its response. */
  public CompletableFuture<Response> command(String line, Expect expect, String tag) {
    byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return send(Unpooled.wrappedBuffer(bytes), expect, tag);
  }

  /** Writes {@code payload} (this call owns it) and returns the response it ends with. */
  public CompletableFuture<Response> send(ByteBuf payload, Expect expect, String tag) {
    CompletableFuture<Response> f = expect(expect, tag);
    connection.channel().writeAndFlush(payload).addListener(w -> {
      if (w.isSuccess()) {
        sentAt = System.nanoTime();
      } else {
        fail(w.cause());
      }
    });
    return f;
  }

  /** Writes bytes that get no response of their own (the body of a DATA or APPEND). */
  public void write(ByteBuf payload) {
    connection.channel().write(payload);
  }

  public boolean isOpen() {
    return !connection.isDisposed();
  }

  public void close() {
    connection.dispose();
  }

  /** Resolves when the connection is closed, by either side. */
  public Mono<Void> onClose() {
    return connection.onDispose();
  }

  private CompletableFuture<Response> expect(Expect expect, String tag) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    framer.reset(expect, tag);
    sentAt = System.nanoTime();
    pending = f;
    return f;
  }

  private void onData(ByteBuf buf) {
    CompletableFuture<Response> f = pending;
    if (f == null) {
      return; // bytes nobody asked for (an IDLE update): dropped
    }
    if (framer.feed(buf)) {
      pending = null;
      f.complete(new Response(framer.firstLine(), framer.lastLine(), framer.bytes(), System.nanoTime() - sentAt));
    }
  }

  private void onError(Throwable t) {
    fail(t);
  }

  private void onClosed() {
    fail(new IOException("connection closed by the server"));
  }

  private void fail(Throwable t) {
    CompletableFuture<Response> f = pending;
    if (f != null) {
      pending = null;
      f.completeExceptionally(t);
    }
  }
}
