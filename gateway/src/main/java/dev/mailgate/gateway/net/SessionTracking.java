package dev.mailgate.gateway.net;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Where the listeners report every session they accept: the {@link SessionRegistry} (admin API,
 * drain, and through its listeners the session log line and the session meters) and the {@link
 * GatewayMetrics} (bytes, TLS handshakes, logins, messages), which also gauge what the registry's
 * handlers keep without a client ({@link SessionRegistry#keptBackendSessions()}). The composition
 * root passes the application's; {@link #detached()} serves listeners started on their own (tests,
 * tools), whose sessions are tracked just the same but seen by nobody.
 */
public record SessionTracking(SessionRegistry registry, GatewayMetrics metrics) {

  public SessionTracking {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(metrics, "metrics");
    metrics.keptImapBackendSessions(registry::keptBackendSessions);
  }

  /** A private registry and private meters. */
  public static SessionTracking detached() {
    return new SessionTracking(
        new SessionRegistry(Clock.systemUTC(), new SessionIds(), List.of()),
        GatewayMetrics.on(new SimpleMeterRegistry()));
  }
}
