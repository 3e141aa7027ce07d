package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.route.lookup.AuthHttpRequest;
import dev.mailgate.policy.route.lookup.AuthHttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** nginx auth_http against a small HTTP server: headers out, headers back, one kept-alive connection. */
class ReactorAuthHttpClientTest {

  private static final int LOGINS = 10;

  @Test
  void sendsNginxHeadersAndReadsTheAnswerOverOneKeptAliveConnection() {
    java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<String> seen = new CopyOnWriteArrayList<>();
    DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
        .handle((req, res) -> {
          clientPorts.add(req.remoteAddress().getPort());
          seen.add(req.requestHeaders().get("Auth-User") + "|" + req.requestHeaders().get("Auth-Pass") + "|"
              + req.requestHeaders().get("Auth-Protocol") + "|" + req.requestHeaders().get("Client-IP"));
          return res.header("Auth-Status", "OK").header("Auth-Server", "10.0.0.7").header("Auth-Port", "143")
              .sendString(Mono.just("ignored body"));
        })
        .bindNow();
    try {
      ReactorAuthHttpClient client = new ReactorAuthHttpClient("http://127.0.0.1:" + server.port() + "/auth", Duration.ofSeconds(5));
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 1; i <= LOGINS; i++) {
        // The pause lets the previous connection go back to the pool: reactor-netty releases it
        // just after the response completes, so a request sent at once can race it and open
        // another (the cause of an earlier flake on a loaded CI machine).
        AuthHttpResponse r = Mono.delay(Duration.ofMillis(20))
            .then(client.send(new AuthHttpRequest("plain", "u" + i + "@x.test", "pw", "imap", 1,
                "192.0.2.1", null, null, null, null)))
            .block(Duration.ofSeconds(10));
        assertThat(r.ok()).isTrue();
        assertThat(r.authServer()).contains("10.0.0.7");
        assertThat(r.authPort()).contains(143);
        expected.add("u" + i + "@x.test|pw|imap|192.0.2.1");
      }
      assertThat(seen).containsExactlyElementsOf(expected);
      // Without keep-alive every login opens its own connection (LOGINS ports). With it, a race
      // lost now and then costs one extra connection, never most of them.
      assertThat(clientPorts).as("keep-alive: connections are reused").hasSizeLessThanOrEqualTo(LOGINS / 2);
    } finally {
      server.disposeNow();
    }
  }

  @Test
  void aNon200AnswerIsAnErrorNotARefusal() {
    DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
        .handle((req, res) -> res.status(500).send())
        .bindNow();
    try {
      ReactorAuthHttpClient client = new ReactorAuthHttpClient("http://127.0.0.1:" + server.port() + "/auth", Duration.ofSeconds(5));
      StepVerifier.create(client.send(new AuthHttpRequest("plain", "u@x.test", "pw", "imap", 1, "192.0.2.1",
              null, null, null, null)))
          .expectErrorMatches(e -> e.getMessage().contains("HTTP 500"))
          .verify(Duration.ofSeconds(10));
    } finally {
      server.disposeNow();
    }
  }
}
