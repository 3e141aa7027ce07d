package dev.mailgate.codec.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CRAM-MD5 (RFC 2195): the server sends a unique challenge {@code <random.timestamp@host>}; the
 * client answers {@code user SP hex(HMAC-MD5(password, challenge))} with 32 lower-case hex digits.
 */
public final class SaslCramMd5 {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SaslCramMd5() {}

  /** A fresh challenge in RFC 2195's msg-id form for {@code hostname}. */
  public static String challenge(String hostname) {
    long nonce = RANDOM.nextLong() & Long.MAX_VALUE;
    return "<" + nonce + "." + (System.currentTimeMillis() / 1000) + "@" + hostname + ">";
  }

  /** Decodes the client's answer to {@code challenge}. The array is cleared afterwards. */
  public static SaslStep decode(byte[] msg, String challenge) {
    try {
      int sp = -1;
      for (int i = msg.length - 1; i >= 0; i--) {
        if (msg[i] == ' ') {
          sp = i;
          break;
        }
      }
      if (sp < 1 || msg.length - sp - 1 != 32 || sp > SaslText.MAX_IDENTITY) {
        return SaslText.rejected("CRAM-MD5 answer must be user SP 32 hex digits");
      }
      for (int i = sp + 1; i < msg.length; i++) {
        byte c = msg[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return SaslText.rejected("CRAM-MD5 digest must be lower-case hex");
        }
      }
      String user = SaslText.utf8(msg, 0, sp);
      if (user == null || user.indexOf('\0') >= 0) {
        return SaslText.rejected("CRAM-MD5 user is not UTF-8");
      }
      String digest = new String(msg, sp + 1, 32, StandardCharsets.US_ASCII);
      return new SaslStep.Success(new SaslCredentials.CramMd5(user, challenge, digest));
    } finally {
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** The client's answer to {@code challenge} (not base64). */
  public static byte[] encode(String user, Secret password, String challenge) {
    String digest = HexFormat.of().formatHex(hmac(password, challenge));
    return (user + " " + digest).getBytes(StandardCharsets.UTF_8);
  }

  static boolean verify(SaslCredentials.CramMd5 c, Secret password) {
    byte[] expected = HexFormat.of().formatHex(hmac(password, c.challenge()))
        .getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, c.digestHex().getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] hmac(Secret password, String challenge) {
    byte[] key = password.bytes();
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      // an empty key is legal in HMAC but SecretKeySpec refuses it; a zero byte is equivalent
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacMD5"));
      return mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacMD5 is a required JDK algorithm", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
