package dev.mailgate.codec.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * XOAUTH2, Google's format: {@code user=} user {@code ^A} {@code auth=Bearer } token {@code ^A^A}
 * ({@code ^A} is 0x01). On failure the server sends a base64 JSON error as a challenge and the
 * client answers with an empty line.
 */
public final class SaslXoauth2 {
  private static final byte KVSEP = 0x01;

  private SaslXoauth2() {}

  /** Decodes a client message (already base64-decoded). The array is cleared afterwards. */
  public static SaslStep decode(byte[] msg) {
    try {
      int n = msg.length;
      if (n < 2 || msg[n - 1] != KVSEP || msg[n - 2] != KVSEP) {
        return SaslText.rejected("XOAUTH2 must end with ^A^A");
      }
      String user = null;
      Secret token = null;
      int at = 0;
      while (at < n - 1) {
        int end = SaslText.indexOf(msg, at, n, KVSEP);
        if (startsWith(msg, at, end, "user=") && user == null) {
          user = SaslText.utf8(msg, at + 5, end);
          if (user == null || user.isEmpty() || end - at - 5 > SaslText.MAX_IDENTITY) {
            return SaslText.rejected("XOAUTH2 user is not a UTF-8 name");
          }
        } else if (startsWithIgnoreCase(msg, at, end, "auth=Bearer ") && token == null) {
          int from = at + 12;
          if (end == from || end - from > SaslText.MAX_SECRET || !printable(msg, from, end)) {
            return SaslText.rejected("XOAUTH2 bearer token is empty or malformed");
          }
          token = Secret.copyOf(msg, from, end - from);
        } else if (end > at) {
          return SaslText.rejected("XOAUTH2 has an unknown or repeated key");
        } else {
          break;
        }
        at = end + 1;
      }
      if (user == null || token == null || at != n - 1) {
        return SaslText.rejected("XOAUTH2 needs user= and auth=Bearer");
      }
      return new SaslStep.Success(new SaslCredentials.Token("", user, token, "", -1));
    } finally {
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** Encodes {@code credentials} as an XOAUTH2 client message (not base64). */
  public static byte[] encode(SaslCredentials.Token credentials) {
    byte[] user = ("user=" + credentials.user()).getBytes(StandardCharsets.UTF_8);
    byte[] auth = "auth=Bearer ".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[user.length + auth.length + credentials.token().length() + 3];
    System.arraycopy(user, 0, out, 0, user.length);
    out[user.length] = KVSEP;
    System.arraycopy(auth, 0, out, user.length + 1, auth.length);
    credentials.token().copyTo(out, user.length + 1 + auth.length);
    out[out.length - 2] = KVSEP;
    out[out.length - 1] = KVSEP;
    return out;
  }

  static boolean startsWith(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean startsWithIgnoreCase(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase((char) b[from + i]) != Character.toLowerCase(prefix.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 6750 b64token characters (plus '=' padding): what a bearer token may contain. */
  static boolean printable(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b[i];
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
