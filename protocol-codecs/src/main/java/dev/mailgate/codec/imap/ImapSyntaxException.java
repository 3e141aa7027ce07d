package dev.mailgate.codec.imap;

import dev.mailgate.codec.ProtocolError;

/**
 * Internal signal of the recursive-descent parsers: thrown inside the codec only and always turned
 * into a {@link dev.mailgate.codec.DecodeFailure} before leaving it. Stackless, since it is
 * control flow, not a bug report.
 */
final class ImapSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ProtocolError error;

  ImapSyntaxException(ProtocolError error, String detail) {
    super(detail, null, false, false);
    this.error = error;
  }

  ProtocolError error() {
    return error;
  }
}
