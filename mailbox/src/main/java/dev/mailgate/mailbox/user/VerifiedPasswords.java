package dev.mailgate.mailbox.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords recently verified against a stored hash, so that a client that logs in again (a mail
 * client opens several connections and reconnects all day) does not pay a 64 MiB Argon2id
 * computation each time: under 20 concurrent logins on two cores a local login took up to 20 s.
 * Dovecot's {@code auth_cache} does the same job.
 *
 * <p>Keyed by the stored hash string itself (a salted hash, unique per user and password change),
 * so a password changed or a user deleted by another process ({@code mailgate user passwd}) misses
 * at once: the caller reads the stored hash before it asks. The value is an HMAC-SHA256 of the
 * password under a random key made per process, never the password; it is compared in constant
 * time. Only successes are kept: every wrong password still costs the full verification, which is
 * what slows a guesser. Bounded in size and time ({@link #MAX_ENTRIES}, the TTL).
 */
final class VerifiedPasswords {

  /** At most this many (hash, password) pairs are remembered; the least used go first. */
  static final int MAX_ENTRIES = 10_000;
  /** How long a verification is remembered after it was made. */
  static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  private final Cache<String, byte[]> verified;
  private final byte[] key = new byte[32];

  VerifiedPasswords(Duration ttl, Ticker ticker) {
    new SecureRandom().nextBytes(key);
    this.verified = Caffeine.newBuilder()
        .maximumSize(MAX_ENTRIES)
        .expireAfterWrite(ttl)
        .ticker(ticker)
        .executor(Runnable::run)
        .build();
  }

  /** Whether {@code password} was verified against {@code storedHash} within the TTL. */
  boolean contains(String storedHash, char[] password) {
    byte[] known = verified.getIfPresent(storedHash);
    return known != null && MessageDigest.isEqual(known, mac(password));
  }

  /** Remembers that {@code password} matches {@code storedHash}. */
  void add(String storedHash, char[] password) {
    verified.put(storedHash, mac(password));
  }

  private byte[] mac(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    } finally {
      Arrays.fill(b, (byte) 0);
      if (bytes.hasArray()) {
        Arrays.fill(bytes.array(), (byte) 0);
      }
    }
  }
}
