package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.sasl.SaslClientExchange;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * AUTH towards the backend (RFC 4954): the user's own credentials replayed, or a relay/master
 * account. The mechanism is the first of {@code preference} that the backend advertises and the
 * credentials can replay ({@link SaslClientExchange#canReplay}).
 *
 * @param credentials what to log in with (never logged)
 * @param preference mechanisms in order of preference
 */
public record BackendLogin(SaslCredentials credentials, List<SaslMechanism> preference) {

  public BackendLogin {
    Objects.requireNonNull(credentials, "credentials");
    preference = List.copyOf(preference);
  }

  /** PLAIN, then LOGIN, then the token mechanisms. */
  public static BackendLogin of(SaslCredentials credentials) {
    return new BackendLogin(
        credentials,
        List.of(SaslMechanism.PLAIN, SaslMechanism.LOGIN, SaslMechanism.XOAUTH2, SaslMechanism.OAUTHBEARER,
            SaslMechanism.EXTERNAL));
  }

  /** The mechanism to use with a backend offering {@code advertised}, or {@code null}. */
  SaslMechanism choose(Set<String> advertised) {
    for (SaslMechanism m : preference) {
      if (advertised.contains(m.wire()) && SaslClientExchange.canReplay(credentials, m)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "BackendLogin[user=" + credentials.user() + ", preference=" + preference + "]";
  }
}
