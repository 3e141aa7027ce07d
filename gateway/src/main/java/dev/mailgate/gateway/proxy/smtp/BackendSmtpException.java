package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpReply;

/**
 * The backend session could not be opened or was lost; {@link #reply()} is what the client should
 * be told (always a 4xx or 5xx, never a success).
 */
public final class BackendSmtpException extends RuntimeException {

  private final SmtpReply reply;

  public BackendSmtpException(SmtpReply reply, String detail, Throwable cause) {
    super(detail, cause, false, false);
    if (reply.isPositive()) {
      throw new IllegalArgumentException("a backend failure cannot carry a positive reply");
    }
    this.reply = reply;
  }

  public SmtpReply reply() {
    return reply;
  }
}
