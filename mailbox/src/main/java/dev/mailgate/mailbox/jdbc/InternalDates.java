package dev.mailgate.mailbox.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * INTERNALDATE in the message tables: {@code internal_date} the instant in epoch milliseconds (what
 * SORT ARRIVAL orders by), {@code internal_zone} the UTC offset it was given with, in seconds. Rows
 * written before the zone was kept read back at +0000, as they were always shown.
 */
public final class InternalDates {
  private InternalDates() {}

  public static OffsetDateTime of(long epochMillis, int offsetSeconds) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.ofTotalSeconds(offsetSeconds));
  }

  public static long epochMillis(OffsetDateTime date) {
    return date.toInstant().toEpochMilli();
  }

  public static int offsetSeconds(OffsetDateTime date) {
    return date.getOffset().getTotalSeconds();
  }
}
