package dev.mailgate.mailbox.user;

import java.util.Locale;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The password schemes the user database stores, named as Dovecot names them ({@code {SCHEME}}
 * prefixes of doveadm pw / passwd-file): new passwords are ARGON2ID; the others are kept as
 * imported and verified as they are, so users move over without a password reset.
 */
public enum PasswordScheme {
  ARGON2ID("ARGON2ID"),
  /** bcrypt ($2a$, $2b$, $2y$), verified with BouncyCastle's OpenBSDBCrypt. */
  BLF_CRYPT("BLF-CRYPT"),
  SHA512_CRYPT("SHA512-CRYPT"),
  SHA256_CRYPT("SHA256-CRYPT");

  private final String dovecotName;

  PasswordScheme(String dovecotName) {
    this.dovecotName = dovecotName;
  }

  public String dovecotName() {
    return dovecotName;
  }

  /** The scheme for a Dovecot name, case-insensitive; null if unsupported. */
  public static PasswordScheme byDovecotName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (PasswordScheme s : values()) {
      if (s.dovecotName.equals(upper)) {
        return s;
      }
    }
    return null;
  }

  /** True if the hash has this scheme's syntax (checked on import, before it is stored). */
  public boolean accepts(String hash) {
    return switch (this) {
      case ARGON2ID -> hash.startsWith("$argon2id$");
      case BLF_CRYPT -> hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
      case SHA512_CRYPT -> hash.startsWith("$6$");
      case SHA256_CRYPT -> hash.startsWith("$5$");
    };
  }

  /** Checks a password against a stored hash of this scheme, comparing in constant time. */
  public boolean verify(String hash, char[] password) {
    return switch (this) {
      case ARGON2ID -> Argon2id.verify(hash, password);
      case BLF_CRYPT -> verifyBcrypt(hash, password);
      case SHA512_CRYPT, SHA256_CRYPT -> accepts(hash) && ShaCrypt.verify(hash, password);
    };
  }

  private static boolean verifyBcrypt(String hash, char[] password) {
    try {
      return OpenBSDBCrypt.checkPassword(hash, password);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
