package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Decides a login the client completed with USER/PASS or AUTH PLAIN/LOGIN (RFC 1939 section 7,
 * RFC 5034): the local tier verifies the password and locks the maildrop; the proxy replays the
 * login to a backend. Must not block; the Mono may signal on any thread. It owns the password
 * afterwards and should clear it when done.
 *
 * @param <T> what an accepted login hands to the next state
 */
@FunctionalInterface
public interface Pop3Authenticator<T> {

  Mono<Pop3LoginResult<T>> login(SaslCredentials.Password credentials, Pop3ClientFacts client);

  /**
   * A login with any credentials the offered {@link #mechanisms()} produce: passwords go to {@link
   * #login(SaslCredentials.Password, Pop3ClientFacts)}; a bearer token is refused unless the
   * authenticator can check one (a backend can).
   */
  default Mono<Pop3LoginResult<T>> login(SaslCredentials credentials, Pop3ClientFacts client) {
    if (credentials instanceof SaslCredentials.Password p) {
      return login(p, client);
    }
    if (credentials instanceof SaslCredentials.Token t) {
      t.token().clear();
    }
    return Mono.just(new Pop3LoginResult.Refused<>(
        Pop3Response.Status.err(Pop3RespCode.AUTH, "invalid user name or password")));
  }

  /** The SASL mechanisms offered in CAPA and accepted by AUTH: PLAIN and LOGIN unless a token can be checked. */
  default List<SaslMechanism> mechanisms() {
    return List.of(SaslMechanism.PLAIN, SaslMechanism.LOGIN);
  }
}
