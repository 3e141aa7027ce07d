package dev.mailgate.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.gateway.session.SessionRecord;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The admin HTTP endpoint (reactor-netty), loopback by default, every request checked by {@link
 * AdminGuard} first.
 *
 * <pre>
 * GET  /metrics                     Prometheus text exposition 0.0.4
 * GET  /health                      200 {"status":"up"} while the process runs
 * GET  /ready                       200 or 503 with {"ready":..,"backends":[..]}; 503 once draining
 * POST /reload                      200 {"applied":true} or 422 {"applied":false,"errors":[..]}
 * GET  /sessions                    200 [{"id":..,"user":..,"client":..,"backend":..,"since":..}, ..]
 * POST /sessions/kick?user=U|?id=I  200 {"kicked":n}, 404 when none matched, 400 without a parameter
 * POST /drain                       202 {"draining":true}; the process keeps serving the admin API
 * POST /routing/invalidate[?user=U] 200 {"invalidated":"all"|U}
 * </pre>
 *
 * Limits: request bodies are ignored (no endpoint takes one); the readiness check is bounded by
 * {@link #READY_TIMEOUT}, the reload by {@link #RELOAD_TIMEOUT}.
 */
public final class AdminServer {
  /** The longest {@code /ready} waits for the backends' answer before saying 503. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(5);

  /** The longest {@code /reload} waits for the configuration to load and validate. */
  public static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final AdminSettings settings;
  private final AdminApi api;
  private final AdminGuard guard;

  /** Checks the settings ({@link AdminSettings#validate()}): throws rather than start unprotected. */
  public AdminServer(AdminSettings settings, AdminApi api) {
    settings.validate();
    this.settings = settings;
    this.api = api;
    this.guard = new AdminGuard(settings);
  }

  /** Binds now (call at startup, never on an event loop) and returns the running server. */
  public DisposableServer start() {
    DisposableServer server = bind().block(Duration.ofSeconds(30));
    LOG.info(
        "admin endpoint on http://{}:{} ({})",
        settings.host(),
        server.port(),
        settings.bearerToken() == null ? "loopback, no token" : "bearer token required");
    return server;
  }

  /** Binds when subscribed. */
  public Mono<DisposableServer> bind() {
    return HttpServer.create()
        .host(settings.host())
        .port(settings.port())
        .route(
            r ->
                r.get("/metrics", guarded(this::metrics))
                    .get("/health", guarded(AdminServer::health))
                    .get("/ready", guarded(this::ready))
                    .post("/reload", guarded(this::reload))
                    .get("/sessions", guarded(this::sessions))
                    .post("/sessions/kick", guarded(this::kick))
                    .post("/drain", guarded(this::drain))
                    .post("/routing/invalidate", guarded(this::invalidate)))
        .bind()
        .cast(DisposableServer.class);
  }

  private Mono<Void> metrics(HttpServerRequest req, HttpServerResponse res) {
    // a scrape walks every meter: off the event loop
    Mono<String> text =
        Mono.fromCallable(api.metrics()::scrape).subscribeOn(Schedulers.boundedElastic());
    return res.header(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT).sendString(text).then();
  }

  private static Mono<Void> health(HttpServerRequest req, HttpServerResponse res) {
    return json(res, HttpResponseStatus.OK, Map.of("status", "up"));
  }

  private Mono<Void> ready(HttpServerRequest req, HttpServerResponse res) {
    if (api.sessions().isDraining()) {
      // a draining gateway takes no new sessions: tell the balancer to move traffic away
      return json(
          res, HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("ready", false, "draining", true));
    }
    return Mono.defer(() -> api.readiness().check())
        .timeout(READY_TIMEOUT)
        .flatMap(
            r ->
                json(
                    res,
                    r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    r))
        .onErrorResume(
            e ->
                json(
                    res,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Map.of("ready", false, "error", String.valueOf(e.getMessage()))));
  }

  private Mono<Void> reload(HttpServerRequest req, HttpServerResponse res) {
    return Mono.defer(() -> api.reloader().reload())
        .timeout(RELOAD_TIMEOUT)
        .flatMap(
            r -> {
              LOG.info("admin: reload {}", r.applied() ? "applied" : "rejected: " + r.errors());
              return json(
                  res,
                  r.applied() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY,
                  r);
            });
  }

  private Mono<Void> sessions(HttpServerRequest req, HttpServerResponse res) {
    List<SessionView> views =
        api.sessions().all().stream()
            .map(SessionRecord::snapshot)
            .map(SessionView::of)
            .sorted(Comparator.comparing(SessionView::since).thenComparing(SessionView::id))
            .toList();
    return json(res, HttpResponseStatus.OK, views);
  }

  private Mono<Void> kick(HttpServerRequest req, HttpServerResponse res) {
    Optional<String> user = param(req, "user");
    Optional<String> id = param(req, "id");
    if (user.isEmpty() == id.isEmpty()) {
      return json(
          res, HttpResponseStatus.BAD_REQUEST, Map.of("error", "give exactly one of user= or id="));
    }
    List<SessionRecord> targets =
        user.map(u -> api.sessions().byUser(u))
            .orElseGet(() -> api.sessions().byId(id.get()).stream().toList());
    long kicked = targets.stream().filter(api.sessions()::kick).count();
    user.ifPresent(api.sessions()::userKicked);
    String target = user.isPresent() ? "user " + user.get() : "id " + id.get();
    LOG.info("admin: kicked {} sessions of {}", kicked, target);
    return json(
        res,
        kicked == 0 ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK,
        Map.of("kicked", kicked));
  }

  private Mono<Void> drain(HttpServerRequest req, HttpServerResponse res) {
    LOG.info("admin: drain requested");
    api.drainer().startDrain();
    return json(res, HttpResponseStatus.ACCEPTED, Map.of("draining", true));
  }

  private Mono<Void> invalidate(HttpServerRequest req, HttpServerResponse res) {
    Optional<String> user = param(req, "user");
    Mono<Void> done =
        user.map(u -> api.routing().invalidateUser(u)).orElseGet(() -> api.routing().invalidateAll());
    LOG.info("admin: routing cache invalidated for {}", user.orElse("everyone"));
    return done.then(
        json(res, HttpResponseStatus.OK, Map.of("invalidated", user.orElse("all"))));
  }

  private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> guarded(
      BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
    return (req, res) -> {
      HttpResponseStatus refused = guard.check(req.requestHeaders());
      if (refused != null) {
        if (refused == HttpResponseStatus.UNAUTHORIZED) {
          res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"mailgate-admin\"");
        }
        return json(res, refused, Map.of("error", refused.reasonPhrase()));
      }
      return Mono.defer(() -> handler.apply(req, res))
          .onErrorResume(
              e -> {
                LOG.error("admin: {} {} failed", req.method(), req.fullPath(), e);
                return json(
                    res, HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "internal error"));
              });
    };
  }

  private static Optional<String> param(HttpServerRequest req, String name) {
    List<String> values = new QueryStringDecoder(req.uri()).parameters().get(name);
    if (values == null || values.isEmpty() || values.get(0).isBlank()) {
      return Optional.empty();
    }
    return Optional.of(values.get(0));
  }

  private static Mono<Void> json(HttpServerResponse res, HttpResponseStatus status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      return Mono.error(e);
    }
    return res.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .sendByteArray(Mono.just(bytes))
        .then();
  }
}
