package dev.mailgate.codec.sasl;

import java.util.Objects;

/**
 * What a client proved or claimed in a SASL exchange. {@code toString()} never shows a secret.
 * {@code authzid} is the identity to act as (empty when the client asked for none).
 */
public sealed interface SaslCredentials {

  /** The authentication identity (login name). */
  String user();

  /** The authorization identity, or the empty string. */
  String authzid();

  /** A login name and password: from PLAIN, LOGIN or POP3 USER/PASS, IMAP LOGIN. */
  record Password(String authzid, String user, Secret password) implements SaslCredentials {
    public Password {
      Objects.requireNonNull(authzid, "authzid");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }
  }

  /**
   * An OAuth 2.0 bearer token: from XOAUTH2 or OAUTHBEARER (RFC 7628).
   *
   * @param host the {@code host} key of OAUTHBEARER, or the empty string
   * @param port the {@code port} key of OAUTHBEARER, or -1
   */
  record Token(String authzid, String user, Secret token, String host, int port) implements SaslCredentials {
    public Token {
      Objects.requireNonNull(authzid, "authzid");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * A CRAM-MD5 answer (RFC 2195): the digest can only be checked by whoever knows the password, so
   * it cannot be replayed to another server.
   */
  record CramMd5(String user, String challenge, String digestHex) implements SaslCredentials {
    public CramMd5 {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(challenge, "challenge");
      Objects.requireNonNull(digestHex, "digestHex");
    }

    @Override
    public String authzid() {
      return "";
    }

    /** Whether the digest is HMAC-MD5(password, challenge), compared in constant time. */
    public boolean verify(Secret password) {
      return SaslCramMd5.verify(this, password);
    }

    @Override
    public String toString() {
      return "CramMd5[user=" + user + ", digest=***]";
    }
  }

  /** EXTERNAL (RFC 4422 appendix A): the identity comes from TLS or the transport. */
  record External(String authzid) implements SaslCredentials {
    public External {
      Objects.requireNonNull(authzid, "authzid");
    }

    @Override
    public String user() {
      return "";
    }
  }
}
