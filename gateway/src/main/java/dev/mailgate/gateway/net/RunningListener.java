package dev.mailgate.gateway.net;

import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;

/**
 * One bound listener: its spec, its server channel and the connections it accepted.
 *
 * <p>{@link #stop(Duration)} is graceful: it closes the server socket at once (no new accepts),
 * lets the open sessions finish for up to the grace period, then closes what is left.
 */
public final class RunningListener {

  private final ListenerSpec spec;
  private final DisposableServer server;
  private final ChannelGroup connections;
  private final String transport;

  RunningListener(ListenerSpec spec, DisposableServer server, ChannelGroup connections) {
    this.spec = spec;
    this.server = server;
    this.connections = connections;
    this.transport = Transport.describe(server.channel());
  }

  public ListenerSpec spec() {
    return spec;
  }

  /** The bound address (with the real port when the spec asked for port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.address();
  }

  public int port() {
    return address().getPort();
  }

  /** "io_uring", "epoll" or "nio". */
  public String transport() {
    return transport;
  }

  public int activeConnections() {
    return connections.size();
  }

  public boolean isAccepting() {
    return server.channel().isActive();
  }

  /** The listening socket's channel. */
  io.netty.channel.Channel serverChannel() {
    return server.channel();
  }

  /** Stops accepting now; waits up to {@code grace} for sessions to end, then closes them. */
  public Mono<Void> stop(Duration grace) {
    return stopAccepting().then(drain(grace));
  }

  /** Closes the server socket; completes once it is closed. Open sessions go on. */
  public Mono<Void> stopAccepting() {
    return Mono.fromRunnable(server::dispose).then(server.onDispose());
  }

  /** Completes when every session has ended, closing those still open after {@code grace}. */
  public Mono<Void> drain(Duration grace) {
    return Mono.defer(
        () ->
            connections.isEmpty()
                ? Mono.empty()
                : Flux.interval(Duration.ofMillis(20))
                    .filter(t -> connections.isEmpty())
                    .next()
                    .then()
                    .timeout(grace, Mono.<Void>create(sink -> connections.close().addListener(f -> sink.success()))));
  }

  @Override
  public String toString() {
    return spec.name() + " (" + spec.protocol() + ", " + spec.tlsMode() + ") on " + address() + " via " + transport;
  }
}
