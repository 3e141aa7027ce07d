package dev.mailgate.codec.sasl;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The server side of one SASL exchange, the same for SMTP AUTH (RFC 4954), IMAP AUTHENTICATE (RFC
 * 3501 section 6.2.2) and POP3 AUTH (RFC 5034): the protocol session feeds it the client's base64
 * lines and sends back the challenges it returns.
 *
 * <pre>{@code
 * SaslServerExchange x = SaslServerExchange.create(SaslMechanism.LOGIN, "mail.example.org");
 * SaslStep step = x.start(initialResponseOrNull);
 * while (step instanceof SaslStep.Challenge c) { send("+ " + c.base64()); step = x.respond(nextLine()); }
 * // Success(credentials) | Rejected | Failure(BAD_ENCODING) | Cancelled
 * }</pre>
 *
 * <p>Never throws for client input: a line that is not base64 gives a {@link SaslStep.Failure}
 * with {@link ProtocolError#BAD_ENCODING} (a syntax error); a decoded message that breaks its
 * mechanism's format, the empty one ({@code =}) included, gives {@link SaslStep.Rejected} (a
 * failed authentication).
 */
public final class SaslServerExchange {
  private enum State { NEW, AWAIT_MESSAGE, AWAIT_USERNAME, AWAIT_PASSWORD, AWAIT_ERROR_ACK, DONE }

  private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

  private final SaslMechanism mechanism;
  private final String hostname;
  private State state = State.NEW;
  private String challenge;
  private String loginUser;

  private SaslServerExchange(SaslMechanism mechanism, String hostname) {
    this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
    this.hostname = Objects.requireNonNull(hostname, "hostname");
  }

  /** A new exchange; {@code hostname} goes into CRAM-MD5 challenges. */
  public static SaslServerExchange create(SaslMechanism mechanism, String hostname) {
    return new SaslServerExchange(mechanism, hostname);
  }

  public SaslMechanism mechanism() {
    return mechanism;
  }

  /** Whether the exchange has produced its final step. */
  public boolean finished() {
    return state == State.DONE;
  }

  /**
   * Starts the exchange.
   *
   * @param initialResponse the base64 initial response as sent ({@code =} for empty), or {@code null}
   */
  public SaslStep start(Secret initialResponse) {
    if (state != State.NEW) {
      return outOfTurn();
    }
    if (initialResponse == null) {
      switch (mechanism) {
        case LOGIN:
          state = State.AWAIT_USERNAME;
          return new SaslStep.Challenge(USERNAME);
        case CRAM_MD5:
          challenge = SaslCramMd5.challenge(hostname);
          state = State.AWAIT_MESSAGE;
          return new SaslStep.Challenge(challenge.getBytes(StandardCharsets.US_ASCII));
        default:
          state = State.AWAIT_MESSAGE;
          return new SaslStep.Challenge(new byte[0]);
      }
    }
    if (cancel(initialResponse)) {
      return cancelled();
    }
    if (mechanism == SaslMechanism.CRAM_MD5) {
      return done(SaslText.bad("CRAM-MD5 has no initial response"));
    }
    state = mechanism == SaslMechanism.LOGIN ? State.AWAIT_USERNAME : State.AWAIT_MESSAGE;
    return respond(initialResponse, true);
  }

  /**
   * Feeds the client's next line (base64, or {@code *} to cancel). An empty response is an empty
   * line here: {@code =} stands for one only as an initial response (RFC 4954 section 4, RFC 4959,
   * RFC 5034), and after a challenge it is not base64, as Dovecot answers ("Invalid base64 data in
   * continued response").
   */
  public SaslStep respond(Secret line) {
    return respond(line, false);
  }

  private SaslStep respond(Secret line, boolean initial) {
    if (state == State.NEW || state == State.DONE) {
      return outOfTurn();
    }
    if (cancel(line)) {
      return cancelled();
    }
    if (!initial && line.length() == 1 && line.byteAt(0) == '=') {
      return done(SaslText.bad("'=' is an empty initial response only"));
    }
    byte[] msg = SaslText.decodeBase64(line);
    if (msg == null) {
      return done(SaslText.bad("not base64"));
    }
    switch (state) {
      case AWAIT_USERNAME: {
        String user = SaslText.utf8(msg, 0, msg.length);
        if (user == null || user.isEmpty() || msg.length > SaslText.MAX_IDENTITY || user.indexOf('\0') >= 0) {
          return done(SaslText.rejected("LOGIN user name is malformed"));
        }
        loginUser = user;
        state = State.AWAIT_PASSWORD;
        return new SaslStep.Challenge(PASSWORD);
      }
      case AWAIT_PASSWORD:
        if (msg.length == 0 || msg.length > SaslText.MAX_SECRET
            || SaslText.indexOf(msg, 0, msg.length, (byte) 0) >= 0) {
          return done(SaslText.rejected("LOGIN password is malformed"));
        }
        return done(new SaslStep.Success(
            new SaslCredentials.Password("", loginUser, Secret.wrap(msg))));
      case AWAIT_ERROR_ACK:
        // RFC 7628 section 3.2.3: the client acknowledges the error with ^A (XOAUTH2: empty)
        return done(new SaslStep.Failure(DecodeFailure.of(ProtocolError.SYNTAX, "authentication failed")));
      default:
        return done(decodeMessage(msg));
    }
  }

  /**
   * For XOAUTH2 and OAUTHBEARER: after the token was refused, sends the error (JSON, RFC 7628
   * section 3.2.2) as a challenge; the client's acknowledgement then ends the exchange in failure.
   */
  public SaslStep rejectWithChallenge(byte[] errorJson) {
    state = State.AWAIT_ERROR_ACK;
    return new SaslStep.Challenge(errorJson);
  }

  private SaslStep decodeMessage(byte[] msg) {
    switch (mechanism) {
      case PLAIN:
        return SaslPlain.decode(msg);
      case XOAUTH2:
        return SaslXoauth2.decode(msg);
      case OAUTHBEARER:
        return SaslOauthBearer.decode(msg);
      case CRAM_MD5:
        return SaslCramMd5.decode(msg, challenge);
      case EXTERNAL: {
        String authzid = SaslText.utf8(msg, 0, msg.length);
        if (authzid == null || msg.length > SaslText.MAX_IDENTITY || authzid.indexOf('\0') >= 0) {
          return SaslText.rejected("EXTERNAL authzid is malformed");
        }
        return new SaslStep.Success(new SaslCredentials.External(authzid));
      }
      default:
        return SaslText.bad("unexpected message");
    }
  }

  private SaslStep done(SaslStep step) {
    if (!(step instanceof SaslStep.Challenge)) {
      state = State.DONE;
    }
    return step;
  }

  private SaslStep cancelled() {
    state = State.DONE;
    return SaslStep.Cancelled.INSTANCE;
  }

  private static SaslStep outOfTurn() {
    return new SaslStep.Failure(DecodeFailure.of(ProtocolError.SYNTAX, "SASL message out of turn"));
  }

  private static boolean cancel(Secret line) {
    return line.length() == 1 && line.byteAt(0) == '*';
  }

  /** Convenience for protocols that hand over the line as ASCII bytes. */
  public SaslStep respond(byte[] base64Ascii) {
    return respond(Secret.wrap(base64Ascii.clone()));
  }
}
