package dev.mailgate.policy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 64-bit keyed fingerprint of a password (HMAC-SHA256 truncated, with a random key made per
 * process), so that auth throttling can tell "the same wrong password again" from a new guess and
 * lookup caches can key on credentials, while no password, and no unkeyed hash of one that could be
 * attacked offline, is ever kept. Equal passwords give equal fingerprints within one process only.
 */
public final class PasswordFingerprint {
  private static final byte[] KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private PasswordFingerprint() {}

  public static long of(CharSequence password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    try {
      return of(b);
    } finally {
      java.util.Arrays.fill(b, (byte) 0);
      if (bytes.hasArray()) {
        java.util.Arrays.fill(bytes.array(), (byte) 0);
      }
    }
  }

  /** One keyed MAC per thread: looking the algorithm up costs more than the MAC itself. */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  });

  public static long of(byte[] password) {
    // doFinal resets the MAC for the next call on this thread
    return ByteBuffer.wrap(MAC.get().doFinal(password)).getLong();
  }
}
