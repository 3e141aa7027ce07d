package dev.mailgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.SessionControl;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.session.SessionStart;
import dev.mailgate.gateway.session.TlsInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;

/** Starts the real admin server on a free loopback port and talks to it with java.net.http. */
class AdminServerTest {
  private static final String TOKEN = "s3cr3t-admin-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GatewayMetrics metrics = GatewayMetrics.prometheus();
  private final SessionRegistry registry =
      new SessionRegistry(Clock.systemUTC(), new SessionIds(), List.of(metrics.sessionListener()));
  private final AtomicReference<Readiness.Report> readiness =
      new AtomicReference<>(
          new Readiness.Report(true, List.of(new Readiness.Backend("dovecot-1", true, "ok"))));
  private final AtomicReference<Reloader.Result> reloadResult =
      new AtomicReference<>(Reloader.Result.ok());
  private final AtomicInteger drains = new AtomicInteger();
  private final List<String> invalidations = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private DisposableServer server;

  private final AdminApi api =
      new AdminApi(
          metrics,
          registry,
          () -> Mono.fromSupplier(readiness::get),
          () -> Mono.fromSupplier(reloadResult::get),
          drains::incrementAndGet,
          new RoutingCache() {
            @Override
            public Mono<Void> invalidateAll() {
              return Mono.fromRunnable(() -> invalidations.add("*"));
            }

            @Override
            public Mono<Void> invalidateUser(String user) {
              return Mono.fromRunnable(() -> invalidations.add(user));
            }
          });

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void healthSaysUp() throws Exception {
    start(AdminSettings.loopback(0));
    HttpResponse<String> r = get("/health", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("up");
  }

  @Test
  void metricsServesThePrometheusScrape() throws Exception {
    start(AdminSettings.loopback(0));
    metrics.login(Protocol.IMAP, "PLAIN", LoginOutcome.SUCCESS);
    open("alice@example.test");

    HttpResponse<String> r = get("/metrics", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body())
        .contains("mailgate_logins_total{mechanism=\"plain\",outcome=\"success\",protocol=\"imap\"} 1.0")
        .contains("mailgate_sessions_active{listener=\"imaps\",protocol=\"imap\"} 1.0");
  }

  @Test
  void readyIs200WhenBackendsAreReachableAnd503WhenNot() throws Exception {
    start(AdminSettings.loopback(0));
    HttpResponse<String> ok = get("/ready", null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("backends").get(0).get("name").asText()).isEqualTo("dovecot-1");

    readiness.set(
        new Readiness.Report(false, List.of(new Readiness.Backend("dovecot-1", false, "circuit open"))));
    HttpResponse<String> down = get("/ready", null);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("ready").asBoolean()).isFalse();
    assertThat(json(down).get("backends").get(0).get("detail").asText()).isEqualTo("circuit open");
  }

  @Test
  void readyIs503OnceDraining() throws Exception {
    start(AdminSettings.loopback(0));
    registry.drainAll();

    HttpResponse<String> r = get("/ready", null);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).get("draining").asBoolean()).isTrue();
  }

  @Test
  void readinessCheckThatFailsIs503() throws Exception {
    AdminApi failing =
        new AdminApi(
            metrics, registry, () -> Mono.error(new IllegalStateException("pool gone")),
            api.reloader(), api.drainer(), api.routing());
    server = new AdminServer(AdminSettings.loopback(0), failing).start();

    HttpResponse<String> r = get("/ready", null);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).get("error").asText()).isEqualTo("pool gone");
  }

  @Test
  void reloadReportsSuccessOrEveryConfigError() throws Exception {
    start(AdminSettings.loopback(0));
    HttpResponse<String> ok = post("/reload", null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("applied").asBoolean()).isTrue();

    reloadResult.set(
        Reloader.Result.rejected(
            List.of("mailgate.yaml:12: unknown key 'lisen'", "mailgate.yaml:30: port out of range")));
    HttpResponse<String> bad = post("/reload", null);
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(json(bad).get("errors")).hasSize(2);
    assertThat(json(bad).get("errors").get(0).asText()).isEqualTo("mailgate.yaml:12: unknown key 'lisen'");
  }

  @Test
  void sessionsListsWhoFromWhereWhichBackendSinceWhenAndBytes() throws Exception {
    start(AdminSettings.loopback(0));
    SessionRecord r = open("alice@example.test");
    r.tlsEstablished(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
    r.backendConnected("dovecot-1");
    r.addBytesIn(42);
    r.addBytesOut(4242);

    JsonNode list = json(get("/sessions", null));

    assertThat(list).hasSize(1);
    JsonNode s = list.get(0);
    assertThat(s.get("id").asText()).isEqualTo(r.id());
    assertThat(s.get("user").asText()).isEqualTo("alice@example.test");
    assertThat(s.get("client").asText()).isEqualTo("203.0.113.5");
    assertThat(s.get("clientPort").asInt()).isEqualTo(50000);
    assertThat(s.get("backend").asText()).isEqualTo("dovecot-1");
    assertThat(s.get("tls").asText()).isEqualTo("TLSv1.3");
    assertThat(s.get("since").asText()).isEqualTo(r.startedAt().toString());
    assertThat(s.get("bytesIn").asLong()).isEqualTo(42);
    assertThat(s.get("bytesOut").asLong()).isEqualTo(4242);
  }

  @Test
  void kickByUserOrByIdEndsThoseSessionsOnly() throws Exception {
    start(AdminSettings.loopback(0));
    SessionRecord a = open("alice@example.test");
    SessionRecord a2 = open("alice@example.test");
    SessionRecord b = open("bob@example.test");

    HttpResponse<String> byUser = post("/sessions/kick?user=alice%40example.test", null);
    assertThat(byUser.statusCode()).isEqualTo(200);
    assertThat(json(byUser).get("kicked").asInt()).isEqualTo(2);
    assertThat(a.isEnded()).isTrue();
    assertThat(a2.isEnded()).isTrue();
    assertThat(a.snapshot().endReason()).isEqualTo(EndReason.KICKED);
    assertThat(b.isEnded()).isFalse();

    assertThat(post("/sessions/kick?id=" + b.id(), null).statusCode()).isEqualTo(200);
    assertThat(b.isEnded()).isTrue();
    assertThat(registry.size()).isZero();
  }

  @Test
  void kickWithoutATargetIs400AndWithAnUnknownOneIs404() throws Exception {
    start(AdminSettings.loopback(0));
    assertThat(post("/sessions/kick", null).statusCode()).isEqualTo(400);
    assertThat(post("/sessions/kick?user=a&id=b", null).statusCode()).isEqualTo(400);
    assertThat(post("/sessions/kick?id=nope-1", null).statusCode()).isEqualTo(404);
  }

  @Test
  void drainIsAcceptedAndStartsTheDrainer() throws Exception {
    start(AdminSettings.loopback(0));
    HttpResponse<String> r = post("/drain", null);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(drains).hasValue(1);
  }

  @Test
  void routingInvalidationForEveryoneOrOneUser() throws Exception {
    start(AdminSettings.loopback(0));
    assertThat(post("/routing/invalidate", null).statusCode()).isEqualTo(200);
    assertThat(post("/routing/invalidate?user=carol%40example.test", null).statusCode())
        .isEqualTo(200);
    assertThat(invalidations).containsExactly("*", "carol@example.test");
  }

  @Test
  void wrongMethodOrPathIs404() throws Exception {
    start(AdminSettings.loopback(0));
    assertThat(get("/drain", null).statusCode()).isEqualTo(404);
    assertThat(get("/nothing-here", null).statusCode()).isEqualTo(404);
    assertThat(drains).hasValue(0);
  }

  @Test
  void aConfiguredTokenIsRequiredOnEveryEndpoint() throws Exception {
    start(new AdminSettings("127.0.0.1", 0, TOKEN));

    HttpResponse<String> none = get("/sessions", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"mailgate-admin\"");
    assertThat(get("/metrics", "wrong-token-of-some-length").statusCode()).isEqualTo(401);
    assertThat(get("/metrics", TOKEN + "x").statusCode()).isEqualTo(401);
    assertThat(post("/drain", "nope").statusCode()).isEqualTo(401);
    assertThat(drains).hasValue(0);

    assertThat(get("/sessions", TOKEN).statusCode()).isEqualTo(200);
    assertThat(post("/drain", TOKEN).statusCode()).isEqualTo(202);
  }

  @Test
  void refusesToStartOnANonLoopbackAddressWithoutAToken() {
    assertThatThrownBy(() -> new AdminServer(new AdminSettings("0.0.0.0", 0, null), api))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requires a bearer token");
    assertThatThrownBy(() -> new AdminServer(new AdminSettings("0.0.0.0", 0, "short"), api))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 16");
  }

  @Test
  void startsOnANonLoopbackAddressWithATokenAndRequiresIt() throws Exception {
    start(new AdminSettings("0.0.0.0", 0, TOKEN));
    assertThat(get("/health", null).statusCode()).isEqualTo(401);
    assertThat(get("/health", TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void aBrowserRequestWithAnOriginIsRefused() throws Exception {
    start(AdminSettings.loopback(0));
    HttpRequest forged =
        HttpRequest.newBuilder(uri("/drain"))
            .header("Origin", "https://evil.example")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(http.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    assertThat(drains).hasValue(0);
  }

  @Test
  void aRebindingHostHeaderIsRefusedOnLoopback() throws Exception {
    start(AdminSettings.loopback(0));
    assertThat(rawStatusLine("evil.example:" + server.port())).contains(" 403 ");
    assertThat(rawStatusLine("localhost:" + server.port())).contains(" 200 ");
  }

  private String rawStatusLine(String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /sessions HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private void start(AdminSettings settings) {
    server = new AdminServer(settings, api).start();
  }

  private SessionRecord open(String user) {
    TestSession control = new TestSession();
    control.record =
        registry.open(
            new SessionStart(Protocol.IMAP, "imaps", new InetSocketAddress("203.0.113.5", 50000)),
            control);
    control.record.authenticated(user);
    return control.record;
  }

  /** A session whose kick and close end it at once, as a closed channel would. */
  private static final class TestSession implements SessionControl {
    SessionRecord record;

    @Override
    public void kick() {
      record.end(EndReason.CLIENT_CLOSED);
    }

    @Override
    public void drain() {}

    @Override
    public void close() {
      record.end(EndReason.CLIENT_CLOSED);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }
}
