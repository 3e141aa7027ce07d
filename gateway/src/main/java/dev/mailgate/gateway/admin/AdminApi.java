package dev.mailgate.gateway.admin;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.session.SessionRegistry;
import java.util.Objects;

/**
 * What the admin endpoints act on, gathered so the server's constructor stays small. The
 * composition root fills it with the real registry, metrics, backend readiness, config reloader,
 * drain coordinator and routing cache.
 */
public record AdminApi(
    GatewayMetrics metrics,
    SessionRegistry sessions,
    Readiness readiness,
    Reloader reloader,
    Drainer drainer,
    RoutingCache routing) {
  public AdminApi {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(reloader, "reloader");
    Objects.requireNonNull(drainer, "drainer");
    Objects.requireNonNull(routing, "routing");
  }
}
