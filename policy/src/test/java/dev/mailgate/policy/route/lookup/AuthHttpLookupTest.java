package dev.mailgate.policy.route.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class AuthHttpLookupTest {
  private static LookupQuery login(MailProtocol protocol) {
    RouteFacts f = RouteFacts.forUser("alice@example.org", "l", protocol,
        IpLiterals.parse("192.0.2.7").orElseThrow(), false);
    return new LookupQuery(f, Optional.of(new AuthContext("plain", "s3cret", 2, "client.example",
        null, null, null)));
  }

  @Test
  void theRequestCarriesNginxHeaders() {
    AuthHttpRequest r = AuthHttpLookup.request(login(MailProtocol.SUBMISSION));
    assertThat(r.headers()).containsExactly(
        Map.entry("Auth-Method", "plain"),
        Map.entry("Auth-User", "alice@example.org"),
        Map.entry("Auth-Pass", "s3cret"),
        Map.entry("Auth-Protocol", "smtp"),
        Map.entry("Auth-Login-Attempt", "2"),
        Map.entry("Client-IP", "192.0.2.7"),
        Map.entry("Client-Host", "client.example"));
    assertThat(r.toString()).doesNotContain("s3cret");
  }

  @Test
  void headerInjectionIsRefused() {
    assertThatThrownBy(() -> new AuthHttpRequest("plain", "a\r\nX: y", null, "imap", 1, "::1",
        null, null, null, null)).hasMessageContaining("CR or LF");
  }

  @Test
  void okNamesTheServerAndMayReplaceTheCredentials() {
    AtomicReference<AuthHttpRequest> sent = new AtomicReference<>();
    Map<String, String> headers = Map.of("Auth-Status", "OK", "Auth-Server", "10.0.0.5",
        "Auth-Port", "143", "Auth-User", "alice", "Auth-Pass", "backend-pw");
    AuthHttpLookup l = new AuthHttpLookup("nginx", req -> {
      sent.set(req);
      return Mono.just(AuthHttpResponse.fromHeaders(headers::get));
    });
    LookupResult r = l.find(login(MailProtocol.IMAP)).block();
    assertThat(sent.get().authProtocol()).isEqualTo("imap");
    assertThat(r).isInstanceOf(LookupResult.Found.class);
    LookupResult.Found found = (LookupResult.Found) r;
    assertThat(found.target()).isEqualTo(new RouteTarget.Server("10.0.0.5", 143));
    assertThat(found.login().orElseThrow().user()).isEqualTo("alice");
    assertThat(found.login().toString()).doesNotContain("backend-pw");
  }

  @Test
  void anyOtherStatusIsARefusalWithWaitAndErrorCode() {
    Map<String, String> headers = Map.of("Auth-Status", "Invalid login or password",
        "Auth-Wait", "3", "Auth-Error-Code", "535 5.7.8");
    LookupResult r = AuthHttpLookup.toResult(AuthHttpResponse.fromHeaders(headers::get));
    assertThat(r).isEqualTo(new LookupResult.Refused("Invalid login or password",
        Optional.of(Duration.ofSeconds(3)), Optional.of("535 5.7.8")));
  }

  @Test
  void okWithoutAServerIsAnErrorNotARoute() {
    Map<String, String> headers = Map.of("Auth-Status", "OK");
    AuthHttpLookup l = new AuthHttpLookup("nginx",
        req -> Mono.just(AuthHttpResponse.fromHeaders(headers::get)));
    assertThatThrownBy(() -> l.find(login(MailProtocol.IMAP)).block())
        .hasMessageContaining("without Auth-Server");
  }
}
