package dev.mailgate.policy.route.lookup;

import dev.mailgate.policy.route.RouteTarget;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Routing (and authentication) by an nginx-compatible {@code auth_http} service. Without an
 * {@link AuthContext} (no login yet, e.g. {@code route explain} without a password) the request
 * goes with {@code Auth-Method: none}.
 */
public final class AuthHttpLookup implements Lookup {
  private final String name;
  private final AuthHttpClient client;

  public AuthHttpLookup(String name, AuthHttpClient client) {
    this.name = name;
    this.client = client;
  }

  @Override
  public String name() {
    return name;
  }

  /** The request nginx would send for this query. */
  public static AuthHttpRequest request(LookupQuery q) {
    var f = q.facts();
    AuthContext a = q.auth().orElse(new AuthContext("none", null, 1, null, null, null, null));
    String user = f.user() != null ? f.user() : "";
    String protocol = f.protocol().isSmtpFamily() ? "smtp" : f.protocol().configName();
    return new AuthHttpRequest(a.method(), user, a.password(), protocol, a.loginAttempt(),
        f.clientIp().getHostAddress(), a.clientHost(), a.smtpHelo(), a.smtpFrom(), a.smtpTo());
  }

  @Override
  public Mono<LookupResult> find(LookupQuery query) {
    return Mono.defer(() -> client.send(request(query))).map(AuthHttpLookup::toResult);
  }

  static LookupResult toResult(AuthHttpResponse r) {
    if (!r.ok()) {
      return new LookupResult.Refused(r.authStatus(), r.authWait(), r.authErrorCode());
    }
    if (r.authServer().isEmpty() || r.authPort().isEmpty()) {
      throw new IllegalStateException("auth_http said OK without Auth-Server and Auth-Port");
    }
    Optional<LookupResult.LoginOverride> login = r.authUser().isPresent() || r.authPass().isPresent()
        ? Optional.of(new LookupResult.LoginOverride(r.authUser().orElse(null),
            r.authPass().orElse(null)))
        : Optional.empty();
    return new LookupResult.Found(new RouteTarget.Server(r.authServer().get(), r.authPort().get()),
        login);
  }
}
