package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3Response;
import java.util.Objects;

/**
 * What a {@link Pop3Authenticator} decided about one login: accepted (with what the next state
 * needs: a maildrop, a backend connection) or refused with the reply to send (RFC 3206 {@code
 * -ERR [AUTH]}, {@code [IN-USE]}, {@code [SYS/TEMP]}). A refusal leaves the session in the
 * AUTHORIZATION state, so the client may try again.
 *
 * @param <T> what an accepted login carries
 */
public sealed interface Pop3LoginResult<T> {

  /** The login succeeded; {@code reply} is sent to the client ({@code null}: the caller answers). */
  record Accepted<T>(T value, Pop3Response.Status reply) implements Pop3LoginResult<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The login was refused; {@code reply} is the {@code -ERR} line to send. */
  record Refused<T>(Pop3Response.Status reply) implements Pop3LoginResult<T> {
    public Refused {
      Objects.requireNonNull(reply, "reply");
      if (reply.ok()) {
        throw new IllegalArgumentException("a refusal needs -ERR");
      }
    }
  }
}
