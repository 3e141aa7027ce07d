package dev.mailgate.gateway.net;

import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpServer;

/**
 * The running listeners by name. Each one is started, stopped or rebound on its own, so a
 * configuration reload that changes one listener leaves the sessions of the others untouched
 * (DESIGN.md "Configuration"). Listeners run on reactor-netty {@link TcpServer}s on the shared
 * {@link Transport}, with TCP_NODELAY (small protocol replies must not wait for delayed ACKs) and
 * keepalive on accepted sockets.
 */
public final class ListenerRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistry.class);

  private final Transport transport;
  private final SessionTracking tracking;
  private final Map<String, RunningListener> running = new ConcurrentHashMap<>();

  /** Listeners whose sessions are tracked in a private registry (tests, tools). */
  public ListenerRegistry(Transport transport) {
    this(transport, SessionTracking.detached());
  }

  /** Listeners whose sessions are registered, metered and logged through {@code tracking}. */
  public ListenerRegistry(Transport transport, SessionTracking tracking) {
    this.transport = transport;
    this.tracking = tracking;
  }

  /** Binds a new listener; fails when the name is already running or the address is taken. */
  public Mono<RunningListener> start(ListenerSpec spec, ListenerBinding binding) {
    if (spec.tlsMode() != TlsMode.NONE && binding.tls() == null) {
      return Mono.error(new IllegalArgumentException(spec.name() + ": TLS mode " + spec.tlsMode() + " needs a server TLS"));
    }
    if (running.containsKey(spec.name())) {
      return Mono.error(new IllegalStateException("listener " + spec.name() + " is already running"));
    }
    ChannelGroup connections = new DefaultChannelGroup(spec.name(), GlobalEventExecutor.INSTANCE);
    ConnectionSetup setup = new ConnectionSetup(spec, binding, tracking);
    return TcpServer.create()
        .runOn(transport.loops())
        .bindAddress(spec::bind)
        .option(ChannelOption.SO_BACKLOG, spec.backlog())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.RECVBUF_ALLOCATOR, ReadSizes.ALLOCATOR)
        .doOnConnection(c -> connections.add(c.channel()))
        .doOnBound(server -> server.channel().pipeline().addFirst("mailgate.acceptFailures", new AcceptFailures(spec.name())))
        // ChannelOperations is both the NettyInbound and the Connection of this channel.
        .handle((in, out) -> setup.run((Connection) in))
        .bind()
        .map(server -> new RunningListener(spec, server, connections))
        .doOnNext(
            l -> {
              if (running.putIfAbsent(spec.name(), l) != null) {
                l.stop(Duration.ZERO).subscribe();
                throw new IllegalStateException("listener " + spec.name() + " is already running");
              }
              LOG.info("listener {}", l);
            });
  }

  /** Stops one listener gracefully (see {@link RunningListener#stop}); empty if not running. */
  public Mono<Void> stop(String name, Duration grace) {
    RunningListener l = running.remove(name);
    if (l == null) {
      return Mono.empty();
    }
    LOG.info("listener {}: stopping (grace {})", name, grace);
    return l.stop(grace);
  }

  /**
   * Moves a listener to a new spec: the old one stops accepting at once, its sessions may finish
   * within {@code grace}, and the new one binds as soon as the old socket is closed (so the same
   * port can be reused). Other listeners are not touched.
   */
  public Mono<RunningListener> rebind(ListenerSpec spec, ListenerBinding binding, Duration grace) {
    RunningListener old = running.remove(spec.name());
    if (old == null) {
      return start(spec, binding);
    }
    // The new server binds once the old server socket is closed, while the old sessions drain.
    return old.stopAccepting()
        .then(start(spec, binding))
        .doOnNext(l -> old.drain(grace).subscribe());
  }

  public Optional<RunningListener> get(String name) {
    return Optional.ofNullable(running.get(name));
  }

  public List<RunningListener> running() {
    return List.copyOf(running.values());
  }

  /** Stops every listener gracefully, in parallel. */
  public Mono<Void> stopAll(Duration grace) {
    return Flux.fromIterable(List.copyOf(running.keySet())).flatMap(n -> stop(n, grace)).then();
  }

  @Override
  public void close() {
    stopAll(Duration.ZERO).block(Duration.ofSeconds(10));
  }
}
