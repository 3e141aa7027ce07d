package dev.mailgate.gateway.metrics;

import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.ProtocolLabel;
import dev.mailgate.gateway.session.SessionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * Every meter the gateway publishes, behind named methods so call sites never spell a metric name
 * or a tag. The Prometheus names and their meaning are listed in {@code docs/operations.md}
 * ("Metrics"). Tag values are bounded: listener, backend and rule names come from the
 * configuration, mechanisms are normalised by {@link Mechanisms}, TLS versions by {@link
 * #tlsVersionTag}.
 *
 * <p>Hot paths (the relay's byte counts) take a pre-resolved {@link Counter} from {@link
 * #bytesIn(Protocol)} / {@link #bytesOut(Protocol)} once per session; the other methods look their
 * meter up per call, which is fine for per-login or per-message events.
 */
public final class GatewayMetrics {
  private record LoginKey(Protocol protocol, String mechanism, LoginOutcome outcome) {}

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final SessionMeters sessions;
  private final Map<Protocol, Counter> bytesIn = new EnumMap<>(Protocol.class);
  private final Map<Protocol, Counter> bytesOut = new EnumMap<>(Protocol.class);
  private final ConcurrentHashMap<String, AtomicReference<CircuitState>> circuits =
      new ConcurrentHashMap<>();
  /** One per login of every session: kept, as a builder's register() rebuilds the tags each call. */
  private final ConcurrentHashMap<LoginKey, Counter> logins = new ConcurrentHashMap<>();
  private final Counter relayed;
  private final Counter delivered;

  private GatewayMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.sessions = new SessionMeters(registry);
    for (Protocol p : Protocol.values()) {
      bytesIn.put(p, bytes("mailgate.bytes.in", "Bytes received from clients", p));
      bytesOut.put(p, bytes("mailgate.bytes.out", "Bytes sent to clients", p));
    }
    relayed =
        Counter.builder("mailgate.smtp.messages.relayed")
            .description("SMTP messages accepted by a backend and acknowledged to the client")
            .register(registry);
    delivered =
        Counter.builder("mailgate.smtp.messages.delivered")
            .description("SMTP messages delivered into the local mailbox tier")
            .register(registry);
  }

  /** Metrics on a new Prometheus registry, scraped by {@link #scrape()}. */
  public static GatewayMetrics prometheus() {
    PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new GatewayMetrics(p, p);
  }

  /** Metrics on any registry (tests use a {@code SimpleMeterRegistry}); {@link #scrape()} is empty. */
  public static GatewayMetrics on(MeterRegistry registry) {
    return new GatewayMetrics(
        registry, registry instanceof PrometheusMeterRegistry p ? p : null);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4) of every meter. */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }

  /** The listener the session registry calls on open and end (sessions gauge, counters, duration). */
  public SessionListener sessionListener() {
    return sessions;
  }

  /** Sessions open now on this listener and protocol (tests, the admin status). */
  public long activeSessions(String listener, Protocol protocol) {
    return sessions.active(listener, ProtocolLabel.of(protocol));
  }

  /** Counts a login attempt; {@code mechanism} is what the client named, normalised here. */
  public void login(Protocol protocol, String mechanism, LoginOutcome outcome) {
    logins
        .computeIfAbsent(
            new LoginKey(protocol, Mechanisms.tag(mechanism), outcome),
            k ->
                Counter.builder("mailgate.logins")
                    .description("Login attempts by outcome and mechanism")
                    .tag("protocol", ProtocolLabel.of(k.protocol()))
                    .tag("mechanism", k.mechanism())
                    .tag("outcome", k.outcome().label())
                    .register(registry))
        .increment();
  }

  /** Counts a refusal by the named policy rule (rule names come from the configuration). */
  public void policyRefusal(Protocol protocol, String rule) {
    Counter.builder("mailgate.policy.refusals")
        .description("Commands or connections refused by a policy rule")
        .tag("protocol", ProtocolLabel.of(protocol))
        .tag("rule", rule)
        .register(registry)
        .increment();
  }

  /**
   * Counts a step held back by a policy rule's delay, not a refusal: a login (auth throttling) or
   * a command relayed after login on the proxy tier that waited for its rate's next window.
   */
  public void policyDelay(Protocol protocol, String rule) {
    Counter.builder("mailgate.policy.delays")
        .description("Logins and relayed commands delayed by a policy rule")
        .tag("protocol", ProtocolLabel.of(protocol))
        .tag("rule", rule)
        .register(registry)
        .increment();
  }

  /** Records how long connecting to a backend took, including TLS and greeting, and if it worked. */
  public void backendConnect(String backend, Duration latency, boolean success) {
    Timer.builder("mailgate.backend.connect")
        .description("Backend connect latency, through TLS and greeting")
        .tag("backend", backend)
        .tag("outcome", success ? "success" : "failure")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(latency);
  }

  /** Sets a backend's circuit-breaker state (the backend client calls this on every transition). */
  public void circuitState(String backend, CircuitState state) {
    Objects.requireNonNull(state, "state");
    circuits
        .computeIfAbsent(
            backend,
            name -> {
              AtomicReference<CircuitState> current = new AtomicReference<>(CircuitState.CLOSED);
              for (CircuitState s : CircuitState.values()) {
                Gauge.builder("mailgate.backend.circuit.state", current, c -> c.get() == s ? 1 : 0)
                    .description("1 for the backend's current circuit-breaker state, else 0")
                    .tag("backend", name)
                    .tag("state", s.label())
                    .register(registry);
              }
              return current;
            })
        .set(state);
  }

  /** The counter of bytes received from clients; resolve once per session, add per read. */
  public Counter bytesIn(Protocol protocol) {
    return bytesIn.get(protocol);
  }

  /** The counter of bytes sent to clients; resolve once per session, add per write. */
  public Counter bytesOut(Protocol protocol) {
    return bytesOut.get(protocol);
  }

  /** Counts a completed TLS handshake with the negotiated version ({@code TLSv1.3}). */
  public void tlsHandshake(String listener, String version) {
    tls("mailgate.tls.handshakes", "Completed TLS handshakes", listener, version);
  }

  /** Counts a failed TLS handshake; {@code version} is what the client offered, or null. */
  public void tlsHandshakeFailure(String listener, String version) {
    tls("mailgate.tls.handshake.failures", "Failed TLS handshakes", listener, version);
  }

  /** Counts a message a backend accepted (its 250 went to the client). */
  public void smtpMessageRelayed() {
    relayed.increment();
  }

  /**
   * Counts what happened to a logged-in IMAP backend session at its client's LOGOUT or login:
   * {@code kept} (the gateway answered the LOGOUT and kept the session) or {@code reused} (a login
   * was served by a kept session).
   */
  public void imapBackendSession(String event) {
    Counter.builder("mailgate.imap.backend.sessions")
        .description("IMAP backend sessions kept after LOGOUT, and logins they served")
        .tag("event", event)
        .register(registry)
        .increment();
  }

  /**
   * The gauge of IMAP backend sessions kept after LOGOUT right now, each a logged-in process on
   * its backend (Dovecot's {@code mail_max_userip_connections} and process limits count it).
   * Registered once; a second call keeps the first source.
   */
  public void keptImapBackendSessions(IntSupplier count) {
    Gauge.builder("mailgate.imap.backend.sessions.kept", count, IntSupplier::getAsInt)
        .description("IMAP backend sessions kept after LOGOUT now, waiting for their user's next login")
        .strongReference(true)
        .register(registry);
  }

  /** Counts a message delivered into the local tier (stored and fsynced before the 250). */
  public void smtpMessageDelivered() {
    delivered.increment();
  }

  /** Records a local-store operation ({@code append}, {@code fetch}, {@code expunge}, ...). */
  public void storeOperation(String operation, Duration latency, boolean success) {
    Timer.builder("mailgate.store.operation")
        .description("Local mailbox store operations and their latency")
        .tag("operation", operation)
        .tag("outcome", success ? "success" : "failure")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(latency);
  }

  /** {@code TLSv1.2}, {@code TLSv1.3}, ... as sent by the engine; anything else is {@code other}. */
  static String tlsVersionTag(String version) {
    if (version == null) {
      return "unknown";
    }
    return switch (version) {
      case "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSLv3" -> version;
      default -> version.toLowerCase(Locale.ROOT).startsWith("tls") ? "other" : "unknown";
    };
  }

  private void tls(String name, String description, String listener, String version) {
    Counter.builder(name)
        .description(description)
        .tag("listener", listener)
        .tag("version", tlsVersionTag(version))
        .register(registry)
        .increment();
  }

  private Counter bytes(String name, String description, Protocol p) {
    return Counter.builder(name)
        .description(description)
        .tag("protocol", ProtocolLabel.of(p))
        .register(registry);
  }
}
