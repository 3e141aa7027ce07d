package dev.mailgate.mailbox.store;

import java.time.Instant;

/**
 * What APPEND (RFC 3501 section 6.3.11) or a delivery supplies besides the bytes.
 *
 * @param declaredSize the size announced in advance (literal length, SMTP SIZE) or -1; lets the
 *     store refuse an over-quota message before reading it
 */
public record AppendRequest(Flags flags, Instant internalDate, long declaredSize) {
  public static AppendRequest delivery() {
    return new AppendRequest(Flags.NONE, Instant.now(), -1);
  }
}
