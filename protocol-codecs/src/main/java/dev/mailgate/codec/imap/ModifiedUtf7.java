package dev.mailgate.codec.imap;

import java.nio.charset.StandardCharsets;

/**
 * Modified UTF-7 for mailbox names (RFC 3501 section 5.1.3): printable ASCII stands for itself
 * except {@code &}, written {@code &-}; other characters are UTF-16 in modified BASE64 (',' instead
 * of '/', no padding) between {@code &} and {@code -}. Clients that enabled UTF8=ACCEPT (RFC 6855)
 * send UTF-8 instead and need no conversion.
 */
public final class ModifiedUtf7 {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
  private static final int[] VALUE = new int[128];

  static {
    java.util.Arrays.fill(VALUE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUE[ALPHABET[i]] = i;
    }
  }

  private ModifiedUtf7() {}

  /** Encodes a Unicode mailbox name for the wire. */
  public static String encode(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c >= 0x20 && c <= 0x7e) {
        out.append(c == '&' ? "&-" : String.valueOf(c));
        i++;
        continue;
      }
      int j = i;
      while (j < name.length() && (name.charAt(j) < 0x20 || name.charAt(j) > 0x7e)) {
        j++;
      }
      out.append('&');
      byte[] utf16 = name.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
      int bits = 0;
      int acc = 0;
      for (byte b : utf16) {
        acc = (acc << 8) | (b & 0xff);
        bits += 8;
        while (bits >= 6) {
          bits -= 6;
          out.append(ALPHABET[(acc >> bits) & 0x3f]);
        }
      }
      if (bits > 0) {
        out.append(ALPHABET[(acc << (6 - bits)) & 0x3f]);
      }
      out.append('-');
      i = j;
    }
    return out.toString();
  }

  /**
   * Decodes a wire mailbox name; throws {@link IllegalArgumentException} when it is not valid
   * modified UTF-7 (an 8-bit octet, an unterminated or badly padded shift, an encoded ASCII char).
   */
  public static String decode(String wire) {
    int amp = wire.indexOf('&');
    if (amp < 0) {
      checkAscii(wire, 0, wire.length());
      return wire;
    }
    StringBuilder out = new StringBuilder(wire.length());
    int i = 0;
    while (i < wire.length()) {
      char c = wire.charAt(i);
      if (c != '&') {
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("not modified UTF-7");
        }
        out.append(c);
        i++;
        continue;
      }
      int dash = wire.indexOf('-', i + 1);
      if (dash < 0) {
        throw new IllegalArgumentException("unterminated shift");
      }
      if (dash == i + 1) {
        out.append('&');
      } else {
        decodeShift(wire, i + 1, dash, out);
      }
      i = dash + 1;
    }
    return out.toString();
  }

  private static void decodeShift(String wire, int from, int to, StringBuilder out) {
    int acc = 0;
    int bits = 0;
    byte[] bytes = new byte[(to - from) * 6 / 8 + 1];
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = wire.charAt(i);
      int v = c < 128 ? VALUE[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("bad modified BASE64");
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[n++] = (byte) (acc >> bits);
      }
    }
    if (bits >= 6 || (acc & ((1 << bits) - 1)) != 0 || n % 2 != 0) {
      throw new IllegalArgumentException("bad padding in shift");
    }
    String s = new String(bytes, 0, n, StandardCharsets.UTF_16BE);
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c >= 0x20 && c <= 0x7e) {
        throw new IllegalArgumentException("ASCII inside a shift");
      }
    }
    out.append(s);
  }

  private static void checkAscii(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("not modified UTF-7");
      }
    }
  }
}
