package dev.mailgate.codec.sasl;

import dev.mailgate.codec.DecodeFailure;
import java.util.Base64;
import java.util.Objects;

/** One step of a server-side SASL exchange ({@link SaslServerExchange}). */
public sealed interface SaslStep {

  /** Send this challenge to the client ({@code +} / {@code 334} / {@code +} line) and await a line. */
  record Challenge(byte[] data) implements SaslStep {
    public Challenge {
      data = data.clone();
    }

    /** The challenge in base64, as it goes on the wire (may be empty). */
    public String base64() {
      return Base64.getEncoder().encodeToString(data);
    }

    @Override
    public byte[] data() {
      return data.clone();
    }
  }

  /** The client's message decoded; the session now verifies or replays the credentials. */
  record Success(SaslCredentials credentials) implements SaslStep {
    public Success {
      Objects.requireNonNull(credentials, "credentials");
    }
  }

  /**
   * The client's line was not base64 ({@code BAD_ENCODING}) or arrived out of turn: a syntax error
   * of the exchange (RFC 4954 section 4: SMTP {@code 501}; IMAP {@code BAD}).
   */
  record Failure(DecodeFailure failure) implements SaslStep {
    public Failure {
      Objects.requireNonNull(failure, "failure");
    }
  }

  /**
   * The client's message was base64 but not a message of the mechanism (an empty PLAIN message,
   * {@code =}; a missing NUL; an empty password): credentials that cannot be right, so the session
   * answers and counts a failed authentication (SMTP {@code 535 5.7.8}, IMAP
   * {@code NO [AUTHENTICATIONFAILED]}, POP3 {@code -ERR [AUTH]}), as Dovecot's mechanisms do
   * ("invalid input" fails the authentication), never a syntax error.
   *
   * @param detail what was wrong, for debugging; never contains the message
   */
  record Rejected(String detail) implements SaslStep {
    public Rejected {
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** The client sent {@code *} (RFC 4954, RFC 3501, RFC 5034). */
  enum Cancelled implements SaslStep {
    INSTANCE
  }
}
