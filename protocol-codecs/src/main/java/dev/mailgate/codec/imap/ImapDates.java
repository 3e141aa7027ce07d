package dev.mailgate.codec.imap;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * IMAP {@code date} and {@code date-time} (RFC 9051 section 9): {@code 1-Feb-1994} and
 * {@code "17-Jul-1996 02:44:25 -0700"}, parsed from bytes and formatted for responses.
 */
public final class ImapDates {
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] MONTH_NAMES = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private ImapDates() {}

  /** date = date-text / DQUOTE date-text DQUOTE. */
  static LocalDate date(ImapReader r) {
    boolean quoted = r.tryChar('"');
    int day = digits(r, 1, 2);
    r.expect('-');
    int month = month(r);
    r.expect('-');
    int year = digits(r, 4, 4);
    if (quoted) {
      r.expect('"');
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      throw ImapReader.syntax("invalid date");
    }
  }

  /** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
  static OffsetDateTime dateTime(ImapReader r) {
    r.expect('"');
    r.tryChar(' ');
    int day = digits(r, 1, 2);
    r.expect('-');
    int month = month(r);
    r.expect('-');
    int year = digits(r, 4, 4);
    r.sp();
    int hour = digits(r, 2, 2);
    r.expect(':');
    int minute = digits(r, 2, 2);
    r.expect(':');
    int second = digits(r, 2, 2);
    r.sp();
    int sign = r.tryChar('+') ? 1 : r.tryChar('-') ? -1 : 0;
    if (sign == 0) {
      throw ImapReader.syntax("expected zone");
    }
    int zone = digits(r, 4, 4);
    r.expect('"');
    try {
      ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * (zone / 100), sign * (zone % 100));
      return OffsetDateTime.of(year, month, day, hour, minute, second, 0, offset);
    } catch (DateTimeException e) {
      throw ImapReader.syntax("invalid date-time");
    }
  }

  private static int digits(ImapReader r, int min, int max) {
    int v = 0;
    int n = 0;
    while (n < max && r.atDigit()) {
      v = v * 10 + (r.peek() - '0');
      r.position(r.position() + 1);
      n++;
    }
    if (n < min) {
      throw ImapReader.syntax("expected digits");
    }
    return v;
  }

  private static int month(ImapReader r) {
    for (int m = 0; m < 12; m++) {
      String name = MONTHS[m];
      if (Keywords.upper((byte) r.peek()) == name.charAt(0)
          && Keywords.upper((byte) r.peek(1)) == name.charAt(1)
          && Keywords.upper((byte) r.peek(2)) == name.charAt(2)) {
        r.position(r.position() + 3);
        return m + 1;
      }
    }
    throw ImapReader.syntax("expected month");
  }

  /** Formats a {@code date} ({@code 1-Feb-1994}). */
  public static String formatDate(LocalDate d) {
    return d.getDayOfMonth() + "-" + MONTH_NAMES[d.getMonthValue() - 1] + "-" + d.getYear();
  }

  /** Formats a {@code date-time} without quotes ({@code 17-Jul-1996 02:44:25 -0700}). */
  public static String formatDateTime(OffsetDateTime t) {
    int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
    char sign = offsetMinutes < 0 ? '-' : '+';
    int abs = Math.abs(offsetMinutes);
    return String.format(
        java.util.Locale.ROOT, "%2d-%s-%04d %02d:%02d:%02d %c%02d%02d", t.getDayOfMonth(),
        MONTH_NAMES[t.getMonthValue() - 1], t.getYear(), t.getHour(), t.getMinute(),
        t.getSecond(), sign, abs / 60, abs % 60);
  }
}
