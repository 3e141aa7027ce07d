package dev.mailgate.mailbox.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106) computed with BouncyCastle, in the PHC string format {@code
 * $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>} (unpadded base64), which is
 * also what Dovecot's {ARGON2ID} scheme stores.
 *
 * <p>Limits when verifying a stored hash, so an imported or tampered hash cannot make a login cost
 * unbounded memory or time: m at most {@link #MAX_MEMORY_KIB}, t at most {@link #MAX_ITERATIONS},
 * p at most {@link #MAX_PARALLELISM}, salt 8-64 bytes, hash 16-64 bytes.
 */
public final class Argon2id {
  public static final int MAX_MEMORY_KIB = 1 << 20;
  public static final int MAX_ITERATIONS = 64;
  public static final int MAX_PARALLELISM = 16;

  /** Cost parameters; the defaults follow RFC 9106 section 4's second recommendation, scaled. */
  public record Params(int memoryKiB, int iterations, int parallelism) {
    public Params {
      if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException("argon2 memory out of range: " + memoryKiB);
      }
      if (iterations < 1 || iterations > MAX_ITERATIONS) {
        throw new IllegalArgumentException("argon2 iterations out of range: " + iterations);
      }
      if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
        throw new IllegalArgumentException("argon2 parallelism out of range: " + parallelism);
      }
    }

    /** 64 MiB, 3 passes, 1 lane: about 0.1-0.3 s here. */
    public static Params defaults() {
      return new Params(64 * 1024, 3, 1);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final Params params;

  public Argon2id(Params params) {
    this.params = params;
  }

  public String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] out = compute(password, salt, params, 32);
    return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p="
        + params.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Verifies a PHC string; false (not an exception) for anything malformed. Constant-time compare. */
  public static boolean verify(String phc, char[] password) {
    String[] f = phc.split("\\$", -1);
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    if (f.length != 6 || !f[0].isEmpty() || !f[1].equals("argon2id") || !f[2].equals("v=19")) {
      return false;
    }
    try {
      int m = -1;
      int t = -1;
      int p = -1;
      for (String kv : f[3].split(",")) {
        int v = Integer.parseInt(kv.substring(2));
        switch (kv.substring(0, 2)) {
          case "m=" -> m = v;
          case "t=" -> t = v;
          case "p=" -> p = v;
          default -> {
            return false;
          }
        }
      }
      Params params = new Params(m, t, p);
      byte[] salt = B64D.decode(f[4]);
      byte[] expected = B64D.decode(f[5]);
      if (salt.length < 8 || salt.length > 64 || expected.length < 16 || expected.length > 64) {
        return false;
      }
      byte[] actual = compute(password, salt, params, expected.length);
      return MessageDigest.isEqual(actual, expected);
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      return false;
    }
  }

  private static byte[] compute(char[] password, byte[] salt, Params p, int length) {
    Argon2Parameters ap = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(p.memoryKiB())
        .withIterations(p.iterations())
        .withParallelism(p.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(ap);
    byte[] pw = UserPasswords.utf8(password);
    byte[] out = new byte[length];
    try {
      gen.generateBytes(pw, out);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
