package dev.mailgate.mailbox.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 / SHA-512 based crypt(3) of glibc ({@code $5$} and {@code $6$}), written from Ulrich
 * Drepper's specification "Unix crypt using SHA-256 and SHA-512": salt of at most 16 characters,
 * {@code rounds=N} clamped to [1000, 999999999] (default 5000, then not printed), the 21/10-step
 * byte shuffle and the crypt base-64 alphabet. Used to verify hashes imported from Dovecot
 * (SHA256-CRYPT, SHA512-CRYPT); new hashes are Argon2id.
 */
public final class ShaCrypt {
  static final int DEFAULT_ROUNDS = 5000;
  static final int MIN_ROUNDS = 1000;
  static final int MAX_ROUNDS = 999_999_999;
  private static final int MAX_SALT = 16;
  private static final char[] B64 =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  // output byte order, three bytes per group of four characters (from the specification)
  private static final int[][] ORDER_512 = {
    {0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
    {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
    {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41}
  };
  private static final int[][] ORDER_256 = {
    {0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14}, {15, 25, 5}, {6, 16, 26},
    {27, 7, 17}, {18, 28, 8}, {9, 19, 29}
  };

  private ShaCrypt() {}

  /**
   * Computes crypt(password, setting) where setting is {@code $5$[rounds=N$]salt[$...]} or the
   * same with {@code $6$}; returns the full hash string.
   */
  public static String crypt(byte[] password, String setting) {
    boolean sha512;
    if (setting.startsWith("$6$")) {
      sha512 = true;
    } else if (setting.startsWith("$5$")) {
      sha512 = false;
    } else {
      throw new IllegalArgumentException("not a SHA-crypt setting");
    }
    String rest = setting.substring(3);
    int rounds = DEFAULT_ROUNDS;
    boolean customRounds = false;
    if (rest.startsWith("rounds=")) {
      int end = rest.indexOf('$');
      if (end < 0) {
        throw new IllegalArgumentException("rounds= without salt");
      }
      long r = Long.parseLong(rest.substring(7, end));
      rounds = (int) Math.max(MIN_ROUNDS, Math.min(MAX_ROUNDS, r));
      customRounds = true;
      rest = rest.substring(end + 1);
    }
    int saltEnd = rest.indexOf('$');
    String saltText = saltEnd < 0 ? rest : rest.substring(0, saltEnd);
    if (saltText.length() > MAX_SALT) {
      saltText = saltText.substring(0, MAX_SALT);
    }
    byte[] salt = saltText.getBytes(StandardCharsets.UTF_8);
    byte[] hash = digest(sha512, password, salt, rounds);
    StringBuilder out = new StringBuilder(sha512 ? "$6$" : "$5$");
    if (customRounds) {
      out.append("rounds=").append(rounds).append('$');
    }
    out.append(saltText).append('$');
    encode(out, hash, sha512);
    return out.toString();
  }

  /** True if {@code password} matches {@code hash}; compares in constant time. */
  public static boolean verify(String hash, char[] password) {
    byte[] pw = UserPasswords.utf8(password);
    try {
      String computed = crypt(pw, hash);
      return MessageDigest.isEqual(
          computed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return false;
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }

  private static byte[] digest(boolean sha512, byte[] key, byte[] salt, int rounds) {
    MessageDigest md = newDigest(sha512);
    int len = md.getDigestLength();
    // B = H(key salt key)
    md.update(key);
    md.update(salt);
    md.update(key);
    byte[] b = md.digest();
    // A = H(key salt B-repeated-to-key-length, then B or key per bit of the key length)
    md.update(key);
    md.update(salt);
    int cnt;
    for (cnt = key.length; cnt > len; cnt -= len) {
      md.update(b, 0, len);
    }
    md.update(b, 0, cnt);
    for (cnt = key.length; cnt > 0; cnt >>= 1) {
      if ((cnt & 1) != 0) {
        md.update(b, 0, len);
      } else {
        md.update(key);
      }
    }
    byte[] a = md.digest();
    // P: H(key repeated key-length times), stretched to the key length
    for (int i = 0; i < key.length; i++) {
      md.update(key);
    }
    byte[] p = stretch(md.digest(), key.length);
    // S: H(salt repeated 16 + A[0] times), stretched to the salt length
    for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
      md.update(salt);
    }
    byte[] s = stretch(md.digest(), salt.length);
    byte[] c = a;
    for (int i = 0; i < rounds; i++) {
      if ((i & 1) != 0) {
        md.update(p);
      } else {
        md.update(c, 0, len);
      }
      if (i % 3 != 0) {
        md.update(s);
      }
      if (i % 7 != 0) {
        md.update(p);
      }
      if ((i & 1) != 0) {
        md.update(c, 0, len);
      } else {
        md.update(p);
      }
      c = md.digest();
    }
    Arrays.fill(p, (byte) 0);
    return c;
  }

  private static byte[] stretch(byte[] digest, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i += digest.length) {
      System.arraycopy(digest, 0, out, i, Math.min(digest.length, length - i));
    }
    return out;
  }

  private static void encode(StringBuilder out, byte[] h, boolean sha512) {
    for (int[] g : sha512 ? ORDER_512 : ORDER_256) {
      b64(out, h[g[0]] & 0xff, h[g[1]] & 0xff, h[g[2]] & 0xff, 4);
    }
    if (sha512) {
      b64(out, 0, 0, h[63] & 0xff, 2);
    } else {
      b64(out, 0, h[31] & 0xff, h[30] & 0xff, 3);
    }
  }

  private static void b64(StringBuilder out, int b2, int b1, int b0, int n) {
    int w = (b2 << 16) | (b1 << 8) | b0;
    for (int i = 0; i < n; i++) {
      out.append(B64[w & 0x3f]);
      w >>>= 6;
    }
  }

  private static MessageDigest newDigest(boolean sha512) {
    try {
      return MessageDigest.getInstance(sha512 ? "SHA-512" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
