package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.net.InboundHandoff;
import dev.mailgate.gateway.tls.TlsHandshake;
import io.netty.channel.Channel;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * An open connection to a backend. The session drives the protocol over {@link #receive()} and
 * {@code connection().outbound()}; for STARTTLS it sends the command, reads the positive reply,
 * discards anything else the backend sent with it, then calls {@link #startTls()}.
 */
public final class BackendConnection {

  /** Pipeline name of the client TLS handler. */
  public static final String TLS_HANDLER = "mailgate.backendTls";

  private final Backend backend;
  private final Connection connection;
  private final InboundHandoff inbound;
  private volatile SSLSession tls;

  BackendConnection(Backend backend, Connection connection) {
    this.backend = backend;
    this.connection = connection;
    this.inbound = new InboundHandoff(connection.inbound().receiveObject());
    connection.onDispose(inbound::dispose);
  }

  public Backend backend() {
    return backend;
  }

  public Connection connection() {
    return connection;
  }

  /**
   * The backend's inbound messages; one consumer at a time, each continuing where the previous
   * stopped (login replay, then the relay). Released after onNext like reactor-netty's own.
   */
  public Flux<Object> receive() {
    return inbound.receive();
  }

  public SSLSession tls() {
    return tls;
  }

  public boolean isTls() {
    return tls != null;
  }

  /**
   * Upgrades to TLS as a client (RFC 3207 section 4, RFC 2595 section 3.1): the TLS handler goes
   * first in the pipeline and the handshake runs with SNI and the backend's trust rules. Completes
   * with the session; fails (and the caller closes the connection) on any verification error.
   */
  public Mono<SSLSession> startTls() {
    Channel ch = connection.channel();
    Mono<SSLSession> upgrade = Mono.create(sink -> startTls((session, failure) -> {
      if (failure == null) {
        sink.success(session);
      } else {
        sink.error(failure);
      }
    }));
    if (!ch.eventLoop().inEventLoop()) {
      upgrade = upgrade.subscribeOn(Schedulers.fromExecutor(ch.eventLoop()));
    }
    return upgrade;
  }

  /**
   * {@link #startTls()} for a dialogue written as an event-loop state machine: call it on the
   * channel's event loop; {@code done} is called once there, with the session or the failure.
   */
  public void startTls(BiConsumer<SSLSession, Throwable> done) {
    Channel ch = connection.channel();
    if (ch.pipeline().get(TLS_HANDLER) != null) {
      done.accept(null, new IllegalStateException("TLS already active to " + backend.name()));
      return;
    }
    BackendSpec spec = backend.spec();
    ch.pipeline().addFirst(TLS_HANDLER, backend.tls().newHandler(ch.alloc(), spec.host(), spec.port(), spec.handshakeTimeout()));
    TlsHandshake.listen(ch, TLS_HANDLER, (session, failure) -> {
      if (failure == null) {
        tls = session;
      }
      done.accept(session, failure);
    });
    // reactor-netty keeps auto-read off until someone asks: the handshake's first read
    ch.read();
  }

  public void close() {
    connection.dispose();
  }

  @Override
  public String toString() {
    return "connection to " + backend.spec();
  }
}
