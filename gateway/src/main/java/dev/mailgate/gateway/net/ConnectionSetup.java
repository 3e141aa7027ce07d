package dev.mailgate.gateway.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  private final ListenerSpec spec;
  private final ListenerBinding binding;
  private final SessionTracking tracking;

  ConnectionSetup(ListenerSpec spec, ListenerBinding binding, SessionTracking tracking) {
    this.spec = spec;
    this.binding = binding;
    this.tracking = tracking;
  }

  /** Runs one connection; the returned Mono completes when the connection should close. */
  Mono<Void> run(Connection connection) {
    InboundCounter counter = new InboundCounter();
    connection.channel().pipeline().addBefore(NettyPipeline.ReactiveBridge, InboundCounter.NAME, counter);
    // registered at accept: the session is listed, metered and logged whatever happens next
    SessionContext context =
        new SessionContext(tracking.registry().nextId(), spec, connection, counter, tracking);
    context.start();
    // Implicit TLS: the TLS handler goes in before the PROXY decoder, which adds itself ahead of it,
    // so the bytes after the header flow straight into TLS; the first read comes after the header.
    return implicitTlsInstall(connection, context)
        .flatMap(
            handshake ->
                proxy(connection, context)
                    .then(EventLoops.on(connection.channel(), () -> {
                      connection.channel().read();
                      return handshake.doOnError(e -> context.tlsFailed());
                    }))
                    .doOnNext(context::tls)
                    .then(Mono.just(true)))
        .switchIfEmpty(proxy(connection, context).then(Mono.just(false)))
        .then(Mono.defer(() -> Mono.from(binding.handler().handle(connection, context))))
        .doOnSuccess(v -> context.handlerEnded(null))
        .onErrorResume(
            e -> {
              context.handlerEnded(e);
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
  private Mono<Mono<SSLSession>> implicitTlsInstall(Connection connection, SessionContext context) {
    if (spec.tlsMode() != TlsMode.IMPLICIT) {
      return Mono.empty();
    }
    return EventLoops.on(
        connection.channel(),
        () -> {
          context.tlsStarting();
          StartTls.install(connection.channel().pipeline(), binding.tls().newHandler());
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
