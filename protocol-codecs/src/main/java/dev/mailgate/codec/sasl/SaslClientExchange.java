package dev.mailgate.codec.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The client side of one SASL exchange, for replaying a client's login to a backend, possibly in
 * another mechanism than the client used (a client's PLAIN to a backend that only offers LOGIN).
 * Password credentials replay as PLAIN, LOGIN or CRAM-MD5; tokens as XOAUTH2 or OAUTHBEARER;
 * EXTERNAL as EXTERNAL. CRAM-MD5 answers cannot be replayed (they are bound to our challenge).
 *
 * <pre>{@code
 * SaslClientExchange c = SaslClientExchange.create(SaslMechanism.LOGIN, credentials);
 * Secret ir = c.initialResponse();          // null: send "AUTH LOGIN" and wait for a challenge
 * Secret line = c.respond(challengeBase64); // each "+ ..." / "334 ..." from the backend
 * }</pre>
 */
public final class SaslClientExchange {
  private static final Secret CANCEL = Secret.wrap(new byte[] {'*'});

  private final SaslMechanism mechanism;
  private final SaslCredentials credentials;
  private int step;

  private SaslClientExchange(SaslMechanism mechanism, SaslCredentials credentials) {
    this.mechanism = mechanism;
    this.credentials = credentials;
  }

  /** Whether {@code credentials} can log in with {@code mechanism}. */
  public static boolean canReplay(SaslCredentials credentials, SaslMechanism mechanism) {
    if (credentials instanceof SaslCredentials.Password) {
      return mechanism == SaslMechanism.PLAIN || mechanism == SaslMechanism.LOGIN
          || mechanism == SaslMechanism.CRAM_MD5;
    }
    if (credentials instanceof SaslCredentials.Token) {
      return mechanism == SaslMechanism.XOAUTH2 || mechanism == SaslMechanism.OAUTHBEARER;
    }
    return credentials instanceof SaslCredentials.External && mechanism == SaslMechanism.EXTERNAL;
  }

  /** A new exchange; throws {@link IllegalArgumentException} unless {@link #canReplay}. */
  public static SaslClientExchange create(SaslMechanism mechanism, SaslCredentials credentials) {
    Objects.requireNonNull(mechanism, "mechanism");
    if (!canReplay(Objects.requireNonNull(credentials, "credentials"), mechanism)) {
      throw new IllegalArgumentException(credentials.getClass().getSimpleName()
          + " credentials cannot log in with " + mechanism.wire());
    }
    return new SaslClientExchange(mechanism, credentials);
  }

  public SaslMechanism mechanism() {
    return mechanism;
  }

  /**
   * The base64 initial response (RFC 4954 / RFC 4959 / RFC 5034), or {@code null} when the
   * mechanism waits for a challenge first (LOGIN, CRAM-MD5). Use it or answer the first challenge
   * via {@link #respond}, not both.
   */
  public Secret initialResponse() {
    if (mechanism == SaslMechanism.LOGIN || mechanism == SaslMechanism.CRAM_MD5) {
      return null;
    }
    step = 1;
    return firstMessage();
  }

  /** The base64 line answering the server's challenge {@code challengeBase64}. */
  public Secret respond(String challengeBase64) {
    byte[] challenge = SaslText.decodeBase64(challengeBase64.getBytes(StandardCharsets.US_ASCII));
    if (challenge == null) {
      return CANCEL;
    }
    int current = step++;
    switch (mechanism) {
      case LOGIN: {
        SaslCredentials.Password p = (SaslCredentials.Password) credentials;
        if (current == 0) {
          return SaslText.encodeBase64(p.user().getBytes(StandardCharsets.UTF_8));
        }
        return current == 1 ? SaslText.encodeBase64(p.password().bytes()) : CANCEL;
      }
      case CRAM_MD5: {
        if (current != 0) {
          return CANCEL;
        }
        SaslCredentials.Password p = (SaslCredentials.Password) credentials;
        String text = new String(challenge, StandardCharsets.UTF_8);
        return SaslText.encodeBase64(SaslCramMd5.encode(p.user(), p.password(), text));
      }
      default:
        if (current == 0) {
          return firstMessage(); // the empty challenge of a server without initial responses
        }
        // an error challenge after the token (RFC 7628 3.2.3; XOAUTH2 wants an empty line)
        if (mechanism == SaslMechanism.OAUTHBEARER) {
          return SaslText.encodeBase64(new byte[] {0x01});
        }
        return mechanism == SaslMechanism.XOAUTH2 ? Secret.wrap(new byte[0]) : CANCEL;
    }
  }

  private Secret firstMessage() {
    switch (mechanism) {
      case PLAIN:
        return base64OrEquals(SaslPlain.encode((SaslCredentials.Password) credentials));
      case XOAUTH2:
        return base64OrEquals(SaslXoauth2.encode((SaslCredentials.Token) credentials));
      case OAUTHBEARER:
        return base64OrEquals(SaslOauthBearer.encode((SaslCredentials.Token) credentials));
      case EXTERNAL:
        return base64OrEquals(credentials.authzid().getBytes(StandardCharsets.UTF_8));
      default:
        throw new IllegalStateException(mechanism.name());
    }
  }

  /** An empty initial response is sent as "=" (RFC 4954 section 4). */
  private static Secret base64OrEquals(byte[] raw) {
    return raw.length == 0 ? Secret.wrap(new byte[] {'='}) : SaslText.encodeBase64(raw);
  }
}
