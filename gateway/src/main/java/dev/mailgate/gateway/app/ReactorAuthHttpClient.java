package dev.mailgate.gateway.app;

import dev.mailgate.policy.route.lookup.AuthHttpClient;
import dev.mailgate.policy.route.lookup.AuthHttpRequest;
import dev.mailgate.policy.route.lookup.AuthHttpResponse;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * nginx {@code auth_http} over reactor-netty's HTTP client: one GET per login with the request's
 * headers, the answer read from the response headers (ngx_mail_auth_http_module). Connections are
 * pooled and kept alive ({@link #MAX_CONNECTIONS} per service), so a busy gateway does not open a
 * TCP connection per login. A non-200 status, a timeout or a transport failure is an error signal
 * (the router answers "backend unavailable", and the error is never cached). The response body
 * carries nothing in this protocol: it is read and released.
 */
public final class ReactorAuthHttpClient implements AuthHttpClient {

  public static final int MAX_CONNECTIONS = 64;

  private final HttpClient client;
  private final String url;

  public ReactorAuthHttpClient(String url, Duration timeout) {
    this.url = url;
    this.client = HttpClient.create(ConnectionProvider.create("auth-http", MAX_CONNECTIONS))
        .keepAlive(true)
        .responseTimeout(timeout);
  }

  @Override
  public Mono<AuthHttpResponse> send(AuthHttpRequest request) {
    return client
        .headers(h -> {
          for (Map.Entry<String, String> e : request.headers()) {
            h.add(e.getKey(), e.getValue());
          }
        })
        .get()
        .uri(url)
        .responseSingle((res, body) -> body.asByteArray().defaultIfEmpty(new byte[0]).flatMap(ignored -> {
          if (res.status().code() != 200) {
            return Mono.error(new IllegalStateException("auth_http " + url + " answered HTTP " + res.status().code()));
          }
          return Mono.fromCallable(() -> AuthHttpResponse.fromHeaders(res.responseHeaders()::get));
        }));
  }
}
