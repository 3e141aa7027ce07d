package dev.mailgate.gateway.app;

import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.BackendTlsConfig;
import dev.mailgate.config.model.HostPort;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.admin.Readiness;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.CertificateSpec;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import dev.mailgate.policy.MailProtocol;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/**
 * The configured backends, one {@link Backend} per (backend, protocol) it serves, named {@code
 * NAME:PROTOCOL} (so each port has its own circuit breaker), over one {@link BackendConnector}.
 * Rebuilt by {@link #configure} at start and on every reload (reads CA and key files: call off the
 * event loop); unchanged backends keep their TLS context and circuit state.
 *
 * <p>{@link #available(String)} is the router's "may this backend be tried" (no breaker of it is
 * open); {@link #readiness()} answers {@code GET /ready} with a fresh TCP connect to every backend
 * address, bounded by {@link #PROBE_TIMEOUT}.
 */
public final class Backends {

  /** The longest a readiness probe waits for one backend's TCP connect. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final BackendConnector connector;
  private final Transport transport;
  private volatile Map<String, Map<MailProtocol, Backend>> backends = Map.of();

  public Backends(BackendConnector connector, Transport transport) {
    this.connector = connector;
    this.transport = transport;
  }

  public BackendConnector connector() {
    return connector;
  }

  /** Maps every backend of {@code config}; throws when a CA or key file cannot be read. */
  public synchronized void configure(MailgateConfig config) throws IOException {
    Map<String, Map<MailProtocol, Backend>> next = new LinkedHashMap<>();
    for (BackendConfig b : config.backends()) {
      Map<MailProtocol, Backend> byProtocol = new EnumMap<>(MailProtocol.class);
      for (MailProtocol p : MailProtocol.values()) {
        Optional<HostPort> address = b.address(p);
        if (address.isPresent()) {
          byProtocol.put(p, connector.backend(spec(b, p, address.get())));
        }
      }
      next.put(b.name(), Map.copyOf(byProtocol));
    }
    backends = Map.copyOf(next);
  }

  /** The backend named {@code name} for {@code protocol}, when configured and serving it. */
  public Optional<Backend> backend(String name, MailProtocol protocol) {
    return Optional.ofNullable(backends.getOrDefault(name, Map.of()).get(protocol));
  }

  /** The router's candidate names turned into backends for {@code protocol}, in order. */
  public List<Backend> candidates(List<String> names, MailProtocol protocol) {
    List<Backend> out = new ArrayList<>(names.size());
    for (String n : names) {
      backend(n, protocol).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The backend for a server address a lookup handed back ({@code auth_http}'s Auth-Server and
   * Auth-Port), connected to with the settings (TLS, timeouts) of {@code template}, or plaintext
   * with default timeouts when there is none. Named {@code TEMPLATE@HOST:PORT:PROTOCOL} so that
   * the template's configuration (conveyance, master user) applies to it too. Builds a TLS context
   * on first use (reads CA files): call off the event loop.
   */
  public Backend server(String host, int port, MailProtocol protocol, Optional<BackendConfig> template)
      throws IOException {
    HostPort address = new HostPort(host, port);
    String prefix = template.map(BackendConfig::name).orElse("server") + "@" + host + ":" + port;
    BackendSpec spec = template.map(t -> spec(t, protocol, address))
        .orElseGet(() -> BackendSpec.of("", host, port, BackendTlsMode.NONE));
    return connector.backend(spec.withName(prefix + ":" + protocol.configName()));
  }

  /** False while any circuit breaker of the backend is open. */
  public boolean available(String name) {
    for (Backend b : backends.getOrDefault(name, Map.of()).values()) {
      CircuitBreaker.State s = b.circuitBreaker().getState();
      if (s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN) {
        return false;
      }
    }
    return true;
  }

  /** Ready when every backend address accepts a TCP connection (and none has its circuit open). */
  public Mono<Readiness.Report> readiness() {
    List<Backend> all = new ArrayList<>();
    backends.values().forEach(m -> all.addAll(m.values()));
    return Flux.fromIterable(all)
        .flatMapSequential(this::probe)
        .collectList()
        .map(list -> new Readiness.Report(list.stream().allMatch(Readiness.Backend::reachable), list));
  }

  private Mono<Readiness.Backend> probe(Backend b) {
    CircuitBreaker.State state = b.circuitBreaker().getState();
    if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
      return Mono.just(new Readiness.Backend(b.name(), false, "circuit open"));
    }
    BackendSpec s = b.spec();
    // A probe connection, not from the shared pool.
    return TcpClient.newConnection()
        .runOn(transport.loops())
        .host(s.host())
        .port(s.port())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) PROBE_TIMEOUT.toMillis())
        .connect()
        .timeout(PROBE_TIMEOUT.plusMillis(500))
        .map(c -> {
          c.dispose();
          return new Readiness.Backend(b.name(), true, "ok");
        })
        .onErrorResume(e -> Mono.just(new Readiness.Backend(b.name(), false,
            "cannot connect to " + s.host() + ":" + s.port() + ": " + e.getClass().getSimpleName())));
  }

  static BackendSpec spec(BackendConfig b, MailProtocol p, HostPort address) {
    BackendTlsConfig t = b.tls();
    BackendTlsMode mode = switch (t.mode()) {
      case NONE -> BackendTlsMode.NONE;
      case STARTTLS -> BackendTlsMode.STARTTLS;
      case IMPLICIT -> BackendTlsMode.IMPLICIT;
    };
    BackendTrust trust = switch (t.verify()) {
      case SYSTEM -> new BackendTrust.SystemCas();
      case CA_FILE -> new BackendTrust.CaFile(t.caFile().orElseThrow());
      // several pins: the first is enforced (ClientTls pins one leaf); the rest are for rotation
      case PIN -> BackendTrust.PinnedSha256.parse(t.pinsSha256().get(0));
    };
    ClientTlsSpec tls = ClientTlsSpec.of(trust);
    if (t.clientCertificate().isPresent()) {
      var c = t.clientCertificate().get();
      tls = tls.withClientCertificate(new CertificateSpec(c.cert(), c.key(), c.keyPassword().orElse(null)));
    }
    return new BackendSpec(b.name() + ":" + p.configName(), address.host(), address.port(), mode, tls,
        b.connectTimeout(), b.greetingTimeout());
  }
}
