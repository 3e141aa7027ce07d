package dev.mailgate.gateway.app;

import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.ConveyClient;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendUnavailable;
import dev.mailgate.gateway.net.Immediate;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.route.RouteDecision;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteRule;
import dev.mailgate.policy.route.RouteTarget;
import dev.mailgate.policy.route.lookup.AuthContext;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The router of the running configuration, seen from one proxy listener: a login (or, on a port-25
 * listener, a recipient domain) becomes the backends to try, in failover order.
 *
 * <p>Outcomes: routed to a backend or pool gives its backends that serve the listener's protocol;
 * no route, a lookup's refusal, or a route to a tier this listener cannot reach gives an empty list
 * (the session answers as for bad credentials, so user names cannot be probed); every candidate's
 * circuit open or a failed lookup gives {@link BackendUnavailable} (the backend-unavailable reply).
 */
final class BackendRouting {

  private static final Logger LOG = LoggerFactory.getLogger(BackendRouting.class);

  private final AppContext context;
  private final ListenerConfig listener;

  BackendRouting(AppContext context, ListenerConfig listener) {
    this.context = context;
    this.listener = listener;
  }

  /** The backends for {@code facts}; see the class comment for the outcomes. */
  Mono<List<Backend>> backends(RouteFacts facts, Optional<AuthContext> auth) {
    // A configured rule's decision is there at once: the candidates follow without a flatMap
    // assembled and subscribed for each decision (every relayed SMTP transaction asks one).
    return Immediate.flatMap(context.router().get().route(facts, auth), d -> candidates(d, facts));
  }

  /**
   * A server address from a lookup (nginx {@code auth_http}'s Auth-Server and Auth-Port), with the
   * settings of the lookup's {@code template_backend}; built off the event loop (TLS context).
   */
  private Mono<List<Backend>> serverBackend(RouteTarget.Server server, RouteDecision d) {
    MailgateConfig config = context.config().get();
    Optional<BackendConfig> template = d.rule()
        .flatMap(name -> config.routeRules().stream().filter(r -> r.name().equals(name)).findFirst())
        .flatMap(RouteRule::lookup)
        .map(name -> config.lookups().get(name))
        .filter(LookupConfig.Http.class::isInstance)
        .flatMap(l -> ((LookupConfig.Http) l).templateBackend())
        .flatMap(config::backend);
    return Mono.fromCallable(() -> List.of(
            context.backends().server(server.host(), server.port(), listener.protocol(), template)))
        .subscribeOn(context.io());
  }

  /** How the configuration says the real client address reaches {@code backend}. */
  ConveyClient conveyance(Backend backend) {
    return backendConfig(backend).map(BackendConfig::conveyClient).orElse(ConveyClient.NONE);
  }

  /** The configuration of {@code backend} (its name is {@code NAME:PROTOCOL}, see {@link Backends}). */
  Optional<BackendConfig> backendConfig(Backend backend) {
    // NAME:PROTOCOL for configured backends, TEMPLATE@HOST:PORT:PROTOCOL for lookup servers
    String name = backend.name();
    int at = name.indexOf('@');
    int colon = name.lastIndexOf(':');
    String configName = at >= 0 ? name.substring(0, at) : colon < 0 ? name : name.substring(0, colon);
    return context.config().get().backend(configName);
  }

  MailProtocol protocol() {
    return listener.protocol();
  }

  String listenerName() {
    return listener.name();
  }

  private Mono<List<Backend>> candidates(RouteDecision d, RouteFacts facts) {
    switch (d.outcome()) {
      case ROUTED -> {
        RouteTarget target = d.target().orElse(null);
        if (target instanceof RouteTarget.Backend || target instanceof RouteTarget.Pool) {
          List<Backend> out = context.backends().candidates(d.candidates(), listener.protocol());
          if (out.isEmpty()) {
            LOG.warn("listener {}: route '{}' names no backend serving {}", listener.name(),
                d.rule().orElse("?"), listener.protocol().configName());
          }
          return Mono.just(out);
        }
        if (target instanceof RouteTarget.Server server) {
          return serverBackend(server, d);
        }
        // A local target on a proxy listener: this listener cannot hand the session over to the
        // local tier, so it refuses like a missing route and says why.
        LOG.warn("listener {}: route '{}' gives {}, which a proxy listener cannot serve; login refused",
            listener.name(), d.rule().orElse("?"), target);
        return Mono.just(List.of());
      }
      case UNAVAILABLE, LOOKUP_FAILED -> {
        return Mono.error(new BackendUnavailable(List.of(
            new BackendUnavailable.Attempt(d.rule().orElse("route"), d.outcome().name().toLowerCase(java.util.Locale.ROOT)))));
      }
      default -> {
        LOG.debug("listener {}: no route for {}: {}", listener.name(), facts.user(), d.outcome());
        return Mono.just(List.of());
      }
    }
  }
}
