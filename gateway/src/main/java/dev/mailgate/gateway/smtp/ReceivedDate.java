package dev.mailgate.gateway.smtp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The RFC 5322 3.3 date-time of the {@code Received:} field, in UTC, formatted once per second:
 * a {@link DateTimeFormatter} run per message was 6% of the relay's CPU samples (JFR), and every
 * message of the same second carries the same text. Shared by all event loops; the cache is one
 * immutable pair behind a volatile field, so a race costs at most a redundant format.
 */
final class ReceivedDate {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

  private record Cached(long second, String text) {}

  private static volatile Cached last = new Cached(Long.MIN_VALUE, "");

  private ReceivedDate() {}

  /** {@code when} as e.g. {@code Fri, 4 Dec 2026 17:20:01 +0000}. */
  static String format(Instant when) {
    long second = when.getEpochSecond();
    Cached c = last;
    if (c.second() != second) {
      c = new Cached(second, FORMAT.format(ZonedDateTime.ofInstant(when, ZoneOffset.UTC)));
      last = c;
    }
    return c.text();
  }
}
