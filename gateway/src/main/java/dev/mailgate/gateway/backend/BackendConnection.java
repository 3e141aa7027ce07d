package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.net.InboundHandoff;
import dev.mailgate.gateway.tls.TlsHandshake;
import io.netty.channel.Channel;
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
    Mono<SSLSession> upgrade =
        Mono.defer(
            () -> {
              if (ch.pipeline().get(TLS_HANDLER) != null) {
                return Mono.error(new IllegalStateException("TLS already active to " + backend.name()));
              }
              BackendSpec spec = backend.spec();
              ch.pipeline().addFirst(TLS_HANDLER, backend.tls().newHandler(ch.alloc(), spec.host(), spec.port(), spec.handshakeTimeout()));
              return TlsHandshake.await(ch, TLS_HANDLER);
            });
    if (!ch.eventLoop().inEventLoop()) {
      upgrade = upgrade.subscribeOn(Schedulers.fromExecutor(ch.eventLoop()));
    }
    return upgrade.doOnNext(s -> tls = s);
  }

  public void close() {
    connection.dispose();
  }

  @Override
  public String toString() {
    return "connection to " + backend.spec();
  }
}
