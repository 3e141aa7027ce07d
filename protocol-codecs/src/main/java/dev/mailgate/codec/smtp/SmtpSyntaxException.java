package dev.mailgate.codec.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;

/**
 * Unwinds a parse of one line to the decoder, which turns it into a {@link DecodeFailure}. Never
 * escapes the codec; carries no stack trace (thrown for every bad line, so it must be cheap) and
 * no input bytes (the detail is log-safe).
 */
final class SmtpSyntaxException extends RuntimeException {
  private final ProtocolError error;

  SmtpSyntaxException(ProtocolError error, String detail) {
    super(detail, null, false, false);
    this.error = error;
  }

  static SmtpSyntaxException syntax(String detail) {
    return new SmtpSyntaxException(ProtocolError.SYNTAX, detail);
  }

  DecodeFailure toFailure() {
    return DecodeFailure.of(error, getMessage());
  }
}
