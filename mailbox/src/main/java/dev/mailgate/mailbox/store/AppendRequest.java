package dev.mailgate.mailbox.store;

import java.time.OffsetDateTime;

/**
 * What APPEND (RFC 3501 section 6.3.11) or a delivery supplies besides the bytes.
 *
 * @param internalDate INTERNALDATE with the zone it was given in (APPEND's date-time, or the
 *     server's zone for a delivery): FETCH returns it as given and SEARCH's BEFORE, ON and SINCE take
 *     its date in that zone (RFC 3501 section 6.4.4, "disregarding time and timezone")
 * @param declaredSize the size announced in advance (literal length, SMTP SIZE) or -1; lets the
 *     store refuse an over-quota message before reading it
 */
public record AppendRequest(Flags flags, OffsetDateTime internalDate, long declaredSize) {
  public static AppendRequest delivery() {
    return new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1);
  }
}
