package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.BackendUnavailable;

/**
 * The replies the gateway itself gives on the backend leg's behalf (PRODUCT.md "backend
 * unavailable"; RFC 3463 codes). None is positive: a success only ever comes from the backend.
 */
public final class BackendReplies {

  /** A command fails because no backend answers: the client retries later (RFC 3463 4.4.1). */
  public static final SmtpReply UNAVAILABLE =
      SmtpReply.of(451, "4.4.1", "Backend unavailable, try again later");

  /** Closing the client session because no backend answers (RFC 3463 4.3.0). */
  public static final SmtpReply UNAVAILABLE_CLOSING =
      SmtpReply.of(421, "4.3.0", "Backend unavailable, closing connection");

  /** The backend connection broke or timed out inside a transaction: nothing was accepted. */
  public static final SmtpReply LOST =
      SmtpReply.of(451, "4.4.1", "Connection to the backend lost, message not accepted; try again");

  /** RCPT not sent because MAIL was refused (RFC 5321 4.1.4 command order). */
  public static final SmtpReply NEED_MAIL = SmtpReply.of(503, "5.5.1", "Sender not accepted");

  /** DATA/BDAT not sent because no recipient was accepted. */
  public static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");

  /** The client asked for SMTPUTF8 but the backend lacks it (RFC 6531 3.2; no downgrade here). */
  public static final SmtpReply NO_SMTPUTF8 =
      SmtpReply.of(553, "5.6.7", "SMTPUTF8 is not supported by the next hop");

  /**
   * A bearer token for a backend that offers AUTH but no token mechanism (RFC 4954 4, {@code 504}):
   * nothing the client can retry; it may log in with another mechanism.
   */
  public static final SmtpReply NO_TOKEN_MECHANISM =
      SmtpReply.of(504, "5.5.4", "The backend offers no mechanism for this token");

  /** BODY=8BITMIME or BINARYMIME towards a backend that does not take it (RFC 6152 3, RFC 3030 3). */
  public static final SmtpReply NO_CONVERSION =
      SmtpReply.of(554, "5.6.3", "Conversion required but not supported by the next hop");

  /** BDAT content with a bare CR or LF cannot be relayed as DATA without changing its meaning. */
  public static final SmtpReply BARE_LINE_ENDING =
      SmtpReply.of(550, "5.6.2", "Bare CR or LF in BDAT content cannot be relayed");

  private BackendReplies() {}

  /** The reply for a failed open: the backend's own refusal, or {@link #UNAVAILABLE}. */
  public static SmtpReply forOpenFailure(Throwable e) {
    if (e instanceof BackendSmtpException b) {
      return b.reply();
    }
    if (e instanceof BackendUnavailable) {
      return UNAVAILABLE;
    }
    return UNAVAILABLE;
  }
}
