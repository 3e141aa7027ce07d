package dev.mailgate.codec.pop3;

import dev.mailgate.codec.sasl.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * APOP (RFC 1939 section 7): the server's greeting carries a unique timestamp {@code <...>}; the
 * client proves the shared secret with {@code hex(MD5(timestamp + secret))}. Only a party that
 * knows the password can check or produce a digest, so APOP cannot be replayed to a backend with a
 * different greeting.
 */
public final class Pop3Apop {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pop3Apop() {}

  /** A fresh greeting timestamp in RFC 822 msg-id form, e.g. {@code <8123.1700000000@host>}. */
  public static String timestamp(String hostname) {
    return "<" + (RANDOM.nextLong() & Long.MAX_VALUE) + "." + (System.currentTimeMillis() / 1000)
        + "@" + hostname + ">";
  }

  /** The {@code <...>} timestamp in a greeting's text, or {@code null} when it has none. */
  public static String timestampIn(String greetingText) {
    int open = greetingText.indexOf('<');
    int close = open < 0 ? -1 : greetingText.indexOf('>', open);
    return close < 0 ? null : greetingText.substring(open, close + 1);
  }

  /** {@code hex(MD5(timestamp + secret))}, 32 lower-case hex digits. */
  public static String digest(String timestamp, Secret secret) {
    byte[] ts = timestamp.getBytes(StandardCharsets.US_ASCII);
    byte[] s = secret.bytes();
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(ts);
      md5.update(s);
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    } finally {
      Arrays.fill(s, (byte) 0);
    }
  }

  /** Whether {@code command}'s digest matches {@code secret} for {@code timestamp} (constant time). */
  public static boolean verify(Pop3Command.Apop command, String timestamp, Secret secret) {
    return MessageDigest.isEqual(digest(timestamp, secret).getBytes(StandardCharsets.US_ASCII),
        command.digest().getBytes(StandardCharsets.US_ASCII));
  }
}
