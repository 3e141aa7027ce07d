package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.net.ReadSizes;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.tls.ClientTls;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;
import reactor.netty.transport.AddressUtils;

/**
 * Opens connections to backends: reactor-netty {@link TcpClient} with a connect timeout and
 * TCP_NODELAY, implicit TLS when the backend wants it, a resilience4j circuit breaker per backend,
 * and bounded retries of connect failures before moving to the next candidate of the list the
 * router gave (the pool's order). When every candidate fails the result is {@link
 * BackendUnavailable}.
 *
 * <p>Limits: {@link Policy#retriesPerBackend()} extra attempts per candidate, spaced by {@link
 * Policy#retryBackoff()} (exponential, jittered), only for connection refusals and timeouts; a TLS
 * failure moves to the next candidate at once. An open circuit skips the candidate without a try.
 */
public final class BackendConnector {

  private static final Logger LOG = LoggerFactory.getLogger(BackendConnector.class);

  /**
   * Retry and circuit-breaker settings.
   *
   * @param retriesPerBackend extra connect attempts per candidate (0: one attempt)
   * @param retryBackoff the first pause between attempts
   * @param circuitBreaker resilience4j settings shared by every backend's breaker
   */
  public record Policy(int retriesPerBackend, Duration retryBackoff, CircuitBreakerConfig circuitBreaker) {

    /** One retry after 100 ms; a breaker that opens at 50% failures of the last 10 calls for 30 s. */
    public static Policy defaults() {
      return new Policy(
          1,
          Duration.ofMillis(100),
          CircuitBreakerConfig.custom()
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(10)
              .minimumNumberOfCalls(5)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(30))
              .permittedNumberOfCallsInHalfOpenState(2)
              .build());
    }
  }

  private final Transport transport;
  private final Policy policy;
  private final CircuitBreakerRegistry breakers;
  private final ConcurrentHashMap<String, Backend> backends = new ConcurrentHashMap<>();
  /** Each backend's client, configured once: every builder step copies reactor-netty's config. */
  private final ConcurrentHashMap<String, Prepared> clients = new ConcurrentHashMap<>();

  private record Prepared(BackendSpec spec, TcpClient client) {}

  public BackendConnector(Transport transport, Policy policy) {
    this.transport = transport;
    this.policy = policy;
    this.breakers = CircuitBreakerRegistry.of(policy.circuitBreaker());
  }

  /**
   * The backend for a spec, building its TLS context on first use (reads CA and key files: call at
   * startup or reload, not on an event loop). A changed spec under the same name replaces it.
   */
  public Backend backend(BackendSpec spec) throws IOException {
    Backend existing = backends.get(spec.name());
    if (existing != null && existing.spec().equals(spec)) {
      return existing;
    }
    Backend b = new Backend(spec, ClientTls.create(spec.tls()), breakers.circuitBreaker(spec.name()));
    backends.put(spec.name(), b);
    return b;
  }

  public CircuitBreakerRegistry circuitBreakers() {
    return breakers;
  }

  /** Connects to the first candidate that answers, in order; else fails with {@link BackendUnavailable}. */
  public Mono<BackendConnection> connect(List<Backend> candidates) {
    if (candidates.size() == 1) {
      // The usual route: one backend, without the Flux machinery of trying candidates in turn.
      Backend b = candidates.get(0);
      return Mono.defer(() -> attempt(b, 0))
          .onErrorMap(e -> new BackendUnavailable(List.of(failed(b, e))));
    }
    return Mono.defer(
        () -> {
          List<BackendUnavailable.Attempt> failures = new CopyOnWriteArrayList<>();
          return Flux.fromIterable(candidates)
              .concatMap(
                  b ->
                      attempt(b, 0)
                          .onErrorResume(
                              e -> {
                                failures.add(failed(b, e));
                                return Mono.empty();
                              }),
                  0)
              .next()
              .switchIfEmpty(Mono.error(() -> new BackendUnavailable(failures)));
        });
  }

  /** Logs why a candidate could not be used and says so for {@link BackendUnavailable}. */
  private static BackendUnavailable.Attempt failed(Backend b, Throwable e) {
    String why = e instanceof CallNotPermittedException ? "circuit open" : describe(e);
    LOG.info("backend {}: {}", b.spec(), why);
    return new BackendUnavailable.Attempt(b.name(), why);
  }

  /**
   * One connect through the backend's circuit breaker, and after a refusal or a timeout the next
   * of {@link Policy#retriesPerBackend()} retries, each after {@link Policy#retryBackoff()} times
   * 2^retry plus up to half of that at random (so clients refused together do not come back
   * together). Written out rather than with {@code retryWhen}, which builds a companion sink and
   * its subscribers on every connect, failed or not; this costs nothing until a connect fails.
   */
  private Mono<BackendConnection> attempt(Backend b, int retry) {
    Mono<BackendConnection> once = connectOnce(b).transform(CircuitBreakerOperator.of(b.circuitBreaker()));
    if (retry >= policy.retriesPerBackend()) {
      return once;
    }
    return once.onErrorResume(BackendConnector::retryable,
        e -> Mono.delay(backoff(retry)).then(Mono.defer(() -> attempt(b, retry + 1))));
  }

  private Duration backoff(int retry) {
    long base = policy.retryBackoff().toNanos() << Math.min(retry, 20);
    return Duration.ofNanos(base + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private Mono<BackendConnection> connectOnce(Backend b) {
    BackendSpec spec = b.spec();
    // onTerminateDetach: reactor-netty keeps the connect's observer, and through its sink every
    // subscriber downstream (the whole login chain), for as long as the backend channel lives. An
    // idle relayed session would hold them all; once connected they are detached.
    return client(spec)
        .connect()
        .onTerminateDetach()
        .map(c -> new BackendConnection(b, c))
        .flatMap(
            bc -> {
              if (spec.tlsMode() != BackendTlsMode.IMPLICIT) {
                return Mono.just(bc);
              }
              return bc.startTls().thenReturn(bc).doOnError(e -> bc.close());
            });
  }

  /** The spec's client, built on first use and again when the spec under that name changed. */
  private TcpClient client(BackendSpec spec) {
    Prepared p = clients.get(spec.name());
    if (p == null || !p.spec().equals(spec)) {
      p = new Prepared(spec, newClient(spec));
      clients.put(spec.name(), p);
    }
    return p.client();
  }

  private TcpClient newClient(BackendSpec spec) {
    // A backend connection belongs to one session for its whole life: never from reactor-netty's
    // shared pool, which would also cap every backend at 500 connections.
    // The address is made once, as host(..).port(..) would make it on every connect (an IP literal
    // parsed, a name left unresolved for the resolver to look up at each connect as before):
    // those two build three addresses per connect from the default localhost one.
    InetSocketAddress address = AddressUtils.createUnresolved(spec.host(), spec.port());
    return TcpClient.newConnection()
        .runOn(transport.loops())
        .remoteAddress(() -> address)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) spec.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.RECVBUF_ALLOCATOR, ReadSizes.ALLOCATOR);
  }

  private static boolean retryable(Throwable e) {
    return e instanceof ConnectException
        || e instanceof io.netty.channel.ConnectTimeoutException
        || e instanceof java.net.NoRouteToHostException;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    String out = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // TLS engines wrap the useful reason (a CertificateException from the trust manager).
    return root == e ? out : out + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
