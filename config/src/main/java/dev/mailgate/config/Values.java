package dev.mailgate.config;

import dev.mailgate.policy.Rate;
import java.time.Duration;
import java.util.Locale;

/**
 * Parsers for the typed scalars of the configuration. Each throws {@link
 * IllegalArgumentException} with a message that names the accepted forms.
 *
 * <ul>
 *   <li>sizes: {@code 512}, {@code 64KB}, {@code 50MB}, {@code 1GB} (binary: 1 KB = 1024 bytes;
 *       {@code B}, {@code K}, {@code KiB} and so on also accepted);
 *   <li>durations: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d};
 *       {@code 0} alone means zero;
 *   <li>rates: {@code 100/hour}, {@code 10/1m}, {@code 5/s}, {@code 500MB/day} (the amount may be a
 *       size for byte counters).
 * </ul>
 */
public final class Values {
  private Values() {}

  public static long size(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT).replace("_", "");
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("expected a size like 512, 64KB, 50MB or 1GB, got '"
          + text + "'");
    }
    String unit = s.substring(i).strip();
    long mult = switch (unit) {
      case "", "B" -> 1L;
      case "K", "KB", "KIB" -> 1L << 10;
      case "M", "MB", "MIB" -> 1L << 20;
      case "G", "GB", "GIB" -> 1L << 30;
      case "T", "TB", "TIB" -> 1L << 40;
      default -> throw new IllegalArgumentException("unknown size unit '" + s.substring(i).strip()
          + "' in '" + text + "' (use B, KB, MB, GB or TB)");
    };
    try {
      return Math.multiplyExact(Long.parseLong(s.substring(0, i)), mult);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("size too large: '" + text + "'");
    }
  }

  public static Duration duration(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    String unit = s.substring(i).strip();
    if (i == 0 || unit.isEmpty()) {
      throw new IllegalArgumentException(
          "expected a duration like 500ms, 30s, 15m, 2h or 7d, got '" + text + "'");
    }
    long n;
    try {
      n = Long.parseLong(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration too large: '" + text + "'");
    }
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s", "sec", "second", "seconds" -> Duration.ofSeconds(n);
        case "m", "min", "minute", "minutes" -> Duration.ofMinutes(n);
        case "h", "hour", "hours" -> Duration.ofHours(n);
        case "d", "day", "days" -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException("unknown duration unit '" + unit + "' in '"
            + text + "' (use ms, s, m, h or d)");
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration too large: '" + text + "'");
    }
  }

  public static Rate rate(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException(
          "expected a rate like 100/hour, 10/1m or 500MB/day, got '" + text + "'");
    }
    long amount = size(text.substring(0, slash));
    String per = text.substring(slash + 1).strip().toLowerCase(Locale.ROOT);
    Duration period = switch (per) {
      case "s", "sec", "second" -> Duration.ofSeconds(1);
      case "m", "min", "minute" -> Duration.ofMinutes(1);
      case "h", "hour" -> Duration.ofHours(1);
      case "d", "day" -> Duration.ofDays(1);
      default -> duration(per);
    };
    if (amount <= 0 || period.isZero()) {
      throw new IllegalArgumentException("a rate needs a positive amount and period: '" + text
          + "'");
    }
    return new Rate(amount, period);
  }
}
