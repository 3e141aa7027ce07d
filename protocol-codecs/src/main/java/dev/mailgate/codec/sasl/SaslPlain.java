package dev.mailgate.codec.sasl;

import java.util.Arrays;

/**
 * PLAIN (RFC 4616 section 2): {@code [authzid] NUL authcid NUL passwd}, each field UTF-8 of at
 * most 255 octets without NUL; authcid and passwd are not empty.
 */
public final class SaslPlain {
  private SaslPlain() {}

  /** Decodes a client message (already base64-decoded). The array is cleared afterwards. */
  public static SaslStep decode(byte[] msg) {
    try {
      int n1 = SaslText.indexOf(msg, 0, msg.length, (byte) 0);
      int n2 = n1 < 0 ? -1 : SaslText.indexOf(msg, n1 + 1, msg.length, (byte) 0);
      if (n2 < 0 || SaslText.indexOf(msg, n2 + 1, msg.length, (byte) 0) >= 0) {
        return SaslText.rejected("PLAIN needs exactly two NUL separators");
      }
      if (n1 > SaslText.MAX_IDENTITY || n2 - n1 - 1 > SaslText.MAX_IDENTITY
          || msg.length - n2 - 1 > SaslText.MAX_IDENTITY) {
        return SaslText.rejected("PLAIN field longer than 255 octets");
      }
      if (n2 == n1 + 1 || n2 == msg.length - 1) {
        return SaslText.rejected("PLAIN authcid and passwd must not be empty");
      }
      String authzid = SaslText.utf8(msg, 0, n1);
      String authcid = SaslText.utf8(msg, n1 + 1, n2);
      if (authzid == null || authcid == null || !SaslText.validUtf8(msg, n2 + 1, msg.length)) {
        return SaslText.rejected("PLAIN field is not UTF-8");
      }
      Secret password = Secret.copyOf(msg, n2 + 1, msg.length - n2 - 1);
      return new SaslStep.Success(new SaslCredentials.Password(authzid, authcid, password));
    } finally {
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** Encodes {@code credentials} as a PLAIN client message (not base64). */
  public static byte[] encode(SaslCredentials.Password credentials) {
    byte[] z = SaslText.utf8Bytes(credentials.authzid());
    byte[] u = SaslText.utf8Bytes(credentials.user());
    byte[] out = new byte[z.length + u.length + credentials.password().length() + 2];
    System.arraycopy(z, 0, out, 0, z.length);
    System.arraycopy(u, 0, out, z.length + 1, u.length);
    credentials.password().copyTo(out, z.length + u.length + 2);
    return out;
  }
}
