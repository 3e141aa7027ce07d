package dev.mailgate.gateway.session;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates session ids that are short, unique and easy to grep: a random four-letter prefix fixed
 * per generator (so ids from two gateway processes or two runs do not collide in merged logs)
 * followed by a counter in base 32, for example {@code k3f9-1a}. Only the letters {@code
 * 0-9a-v} appear, so an id never needs quoting in a log line, a URL or a metric.
 */
public final class SessionIds {
  private static final String DIGITS = "0123456789abcdefghijklmnopqrstuv";

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  /** A generator with a random prefix. */
  public SessionIds() {
    this(new SecureRandom().nextInt(1 << 20));
  }

  /** A generator with the given 20-bit prefix (tests use a fixed one). */
  public SessionIds(int prefixBits) {
    StringBuilder b = new StringBuilder(5);
    for (int shift = 15; shift >= 0; shift -= 5) {
      b.append(DIGITS.charAt((prefixBits >>> shift) & 31));
    }
    this.prefix = b.append('-').toString();
  }

  /** The next id; never repeats within this generator. */
  public String next() {
    return prefix + Long.toString(counter.incrementAndGet(), 32);
  }
}
