package dev.mailgate.gateway.app;

import dev.mailgate.config.ListenerDiff;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.ProxyHeaderReader;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.tls.ServerTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The configured listeners on a {@link ListenerRegistry}: starts them, and applies a reload's
 * {@link ListenerDiff} touching only what changed. Added listeners are bound, removed ones stop
 * accepting and their sessions get {@code grace} to finish, and changed ones are rebound when the
 * socket must change (address, protocol, TLS mode, PROXY protocol); when only limits changed, the
 * listener keeps its socket and new sessions get a handler built from the new settings (each
 * listener's handler sits behind a swappable reference). Sessions in progress are never touched.
 *
 * <p>Blocking (waits for binds, bounded by {@link #BIND_TIMEOUT}): call at startup or from the
 * reload thread, never on an event loop.
 */
public final class ListenerSet {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerSet.class);
  public static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  private final ListenerRegistry registry;
  private final ListenerMapping mapping;
  private final ServerTls tls;
  private final ProxyHeaderReader proxy;
  private final PolicyGate policies;
  private final Map<String, AtomicReference<ProtocolHandler>> handlers = new ConcurrentHashMap<>();

  /** @param policies admits every connection and gives sessions their policies (null: none) */
  public ListenerSet(ListenerRegistry registry, ListenerMapping mapping, ServerTls tls, ProxyHeaderReader proxy,
      PolicyGate policies) {
    this.policies = policies;
    this.registry = registry;
    this.mapping = mapping;
    this.tls = tls;
    this.proxy = proxy;
  }

  /** Binds every listener; throws (after stopping those already bound) when one cannot bind. */
  public List<RunningListener> startAll(List<ListenerConfig> listeners, Function<ListenerConfig, ProtocolHandler> handlerFor) {
    List<RunningListener> out = new ArrayList<>();
    for (ListenerConfig l : listeners) {
      try {
        out.add(start(l, handlerFor));
      } catch (RuntimeException e) {
        registry.stopAll(Duration.ZERO).block(BIND_TIMEOUT);
        throw new IllegalStateException("listener " + l.name() + " cannot bind " + mapping.spec(l).bind() + ": " + rootMessage(e), e);
      }
    }
    return out;
  }

  /** Applies a reload's listener changes; returns one line per listener that failed. */
  public List<String> apply(ListenerDiff diff, Function<ListenerConfig, ProtocolHandler> handlerFor, Duration grace) {
    List<String> problems = new ArrayList<>();
    for (ListenerConfig l : diff.removed()) {
      registry.stop(l.name(), grace).subscribe(null, e -> LOG.warn("listener {}: stop failed", l.name(), e));
      handlers.remove(l.name());
      LOG.info("listener {}: removed", l.name());
    }
    for (ListenerDiff.Changed c : diff.changed()) {
      ListenerConfig l = c.after();
      try {
        if (c.needsRebind()) {
          AtomicReference<ProtocolHandler> ref = new AtomicReference<>(handlerFor.apply(l));
          RunningListener r = registry.rebind(mapping.spec(l), binding(ref), grace).block(BIND_TIMEOUT);
          handlers.put(l.name(), ref);
          LOG.info("listener {}: rebound as {}", l.name(), r);
        } else {
          handlers.get(l.name()).set(handlerFor.apply(l));
          LOG.info("listener {}: new settings apply to new sessions", l.name());
        }
      } catch (RuntimeException e) {
        problems.add("listener " + l.name() + ": " + rootMessage(e));
      }
    }
    for (ListenerConfig l : diff.added()) {
      try {
        start(l, handlerFor);
      } catch (RuntimeException e) {
        problems.add("listener " + l.name() + ": cannot bind " + mapping.spec(l).bind() + ": " + rootMessage(e));
      }
    }
    problems.forEach(p -> LOG.error("reload: {}", p));
    return problems;
  }

  /** Closes every listening socket; sessions go on (the drain's first step). */
  public Mono<Void> stopAccepting() {
    return Flux.fromIterable(registry.running()).flatMap(RunningListener::stopAccepting).then();
  }

  public List<RunningListener> running() {
    return registry.running();
  }

  private RunningListener start(ListenerConfig l, Function<ListenerConfig, ProtocolHandler> handlerFor) {
    AtomicReference<ProtocolHandler> ref = new AtomicReference<>(handlerFor.apply(l));
    ListenerSpec spec = mapping.spec(l);
    RunningListener r = registry.start(spec, binding(ref)).block(BIND_TIMEOUT);
    handlers.put(l.name(), ref);
    return r;
  }

  private ListenerBinding binding(AtomicReference<ProtocolHandler> ref) {
    return new ListenerBinding(new Swappable(ref), tls, proxy, policies);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Reads the current handler once per connection. */
  private record Swappable(AtomicReference<ProtocolHandler> ref) implements ProtocolHandler {
    @Override
    public Publisher<Void> handle(Connection connection, SessionContext context) {
      return ref.get().handle(connection, context);
    }
  }
}
