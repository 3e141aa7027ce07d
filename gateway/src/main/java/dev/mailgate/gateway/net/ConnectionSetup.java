package dev.mailgate.gateway.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;
import dev.mailgate.gateway.policy.AdmissionReplies;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.tls.TlsHandshake;
import dev.mailgate.policy.Decision;
import java.nio.charset.StandardCharsets;
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
    // Admission comes after the PROXY header (the real client counts) and before the handshake
    // (a refused client costs no TLS work). Deferred: built eagerly, the policies would capture the
    // balancer's address before the header is read (and loopback balancers are exempt).
    Mono<Boolean> ready = spec.tlsMode() == TlsMode.IMPLICIT
        ? implicitTlsInstall(connection, context)
            .flatMap(handshake -> proxy(connection, context)
                .then(Mono.defer(() -> admitted(connection, context)))
                .flatMap(ok -> !ok ? Mono.just(false)
                    : EventLoops.on(connection.channel(), () -> {
                      connection.channel().read();
                      return handshake.doOnError(e -> context.tlsFailed());
                    }).doOnNext(context::tls).thenReturn(true)))
        : proxy(connection, context).then(Mono.defer(() -> admitted(connection, context)));
    return ready
        .flatMap(ok -> ok ? Mono.defer(() -> Mono.from(binding.handler().handle(connection, context)))
            : Mono.<Void>empty())
        .doOnSuccess(v -> context.handlerEnded(null))
        .onErrorResume(
            e -> {
              context.handlerEnded(e);
              LOG.debug("{}: ended before or in the session: {}", context, e.toString());
              return Mono.empty();
            })
        .doFinally(s -> {
          context.stop();
          context.policies().close();
        });
  }

  /**
   * Opens the session's policies and asks for admission; a refused client gets the protocol's
   * refusal line (not on implicit-TLS listeners, where it would have to follow a handshake) and
   * the connection ends.
   */
  private Mono<Boolean> admitted(Connection connection, SessionContext context) {
    PolicyGate gate = binding.policies();
    if (gate == null) {
      return Mono.just(true);
    }
    SessionPolicies policies = gate.open(context);
    context.policies(policies);
    return policies.admit().flatMap(d -> {
      if (!(d instanceof Decision.Deny deny)) {
        return Mono.just(true);
      }
      LOG.debug("{}: refused by {}: {}", context, deny.rule(), deny.reason());
      if (spec.tlsMode() == TlsMode.IMPLICIT) {
        return Mono.just(false);
      }
      return connection.outbound()
          .sendString(Mono.just(AdmissionReplies.line(spec.protocol(), deny)), StandardCharsets.US_ASCII)
          .then()
          .onErrorResume(e -> Mono.empty())
          .thenReturn(false);
    });
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
