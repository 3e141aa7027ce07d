package dev.mailgate.gateway.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import dev.mailgate.gateway.tls.TlsHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * What happens between accept and the protocol session, in DESIGN.md's order: PROXY header (only
 * from trusted networks) → implicit TLS handshake (SNI picks the certificate) → the session, with
 * its pre-login and idle timeouts running from accept.
 */
final class ConnectionSetup {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionSetup.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final ListenerSpec spec;
  private final ListenerBinding binding;

  ConnectionSetup(ListenerSpec spec, ListenerBinding binding) {
    this.spec = spec;
    this.binding = binding;
  }

  /** Runs one connection; the returned Mono completes when the connection should close. */
  Mono<Void> run(Connection connection) {
    InboundCounter counter = new InboundCounter();
    connection.channel().pipeline().addBefore(NettyPipeline.ReactiveBridge, InboundCounter.NAME, counter);
    SessionContext context =
        new SessionContext(Long.toString(IDS.incrementAndGet(), 36), spec, connection, counter);
    context.start();
    // Implicit TLS: the TLS handler goes in before the PROXY decoder, which adds itself ahead of it,
    // so the bytes after the header flow straight into TLS; the first read comes after the header.
    return implicitTlsInstall(connection)
        .flatMap(
            handshake ->
                proxy(connection, context)
                    .then(EventLoops.on(connection.channel(), () -> {
                      connection.channel().read();
                      return handshake;
                    }))
                    .doOnNext(context::tls)
                    .then(Mono.just(true)))
        .switchIfEmpty(proxy(connection, context).then(Mono.just(false)))
        .then(Mono.defer(() -> Mono.from(binding.handler().handle(connection, context))))
        .onErrorResume(
            e -> {
              LOG.debug("{}: ended before or in the session: {}", context, e.toString());
              return Mono.empty();
            })
        .doFinally(s -> context.stop());
  }

  private Mono<Void> proxy(Connection connection, SessionContext context) {
    if (!spec.usesProxyProtocol() || !trusted(context.peer())) {
      return Mono.empty();
    }
    return EventLoops.on(connection.channel(), () -> binding.proxyReader().read(connection))
        .doOnNext(context::client)
        .then();
  }

  /** Installs the TLS handler; emits the (not yet completed) handshake, or empty without TLS. */
  private Mono<Mono<SSLSession>> implicitTlsInstall(Connection connection) {
    if (spec.tlsMode() != TlsMode.IMPLICIT) {
      return Mono.empty();
    }
    return EventLoops.on(
        connection.channel(),
        () -> {
          connection.channel().pipeline().addFirst(StartTls.HANDLER, binding.tls().newHandler());
          return Mono.just(TlsHandshake.listen(connection.channel(), StartTls.HANDLER).cache());
        });
  }

  private boolean trusted(InetSocketAddress peer) {
    InetAddress a = peer.getAddress();
    for (CidrRange r : spec.proxyTrustedNetworks()) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }
}
