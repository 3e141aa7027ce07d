package dev.mailgate.codec;

import java.util.Objects;

/**
 * What a decoder emits instead of a request when the input breaks the grammar or a limit. The
 * decoder has already skipped to the next terminator, so the session only answers and continues.
 *
 * @param error the kind of failure, mapped to a reply by the session
 * @param tag the IMAP tag of the failed command when it could be read, else {@code null}
 * @param detail a short, log-safe description (never contains the offending bytes)
 */
public record DecodeFailure(ProtocolError error, String tag, String detail) {
  public DecodeFailure {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(detail, "detail");
  }

  public static DecodeFailure of(ProtocolError error, String detail) {
    return new DecodeFailure(error, null, detail);
  }
}
