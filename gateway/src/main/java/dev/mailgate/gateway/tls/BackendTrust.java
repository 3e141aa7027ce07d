package dev.mailgate.gateway.tls;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How the gateway decides to trust a backend's certificate.
 *
 * <ul>
 *   <li>{@link SystemCas}: the JDK's default trust store, with hostname verification (RFC 6125).
 *   <li>{@link CaFile}: only the CAs in a PEM file, with hostname verification.
 *   <li>{@link PinnedSha256}: exactly the leaf whose DER encoding has this SHA-256 digest; no CA or
 *       hostname check (the pin is the identity), as for a backend with a self-signed certificate.
 * </ul>
 */
public sealed interface BackendTrust {

  /** Trust what the JDK's default trust store (cacerts) trusts. */
  record SystemCas() implements BackendTrust {}

  /** Trust only the CA certificates in a PEM file. */
  record CaFile(Path file) implements BackendTrust {}

  /** Trust only the leaf certificate with this SHA-256 fingerprint (32 bytes). */
  record PinnedSha256(byte[] fingerprint) implements BackendTrust {
    public PinnedSha256 {
      if (fingerprint.length != 32) {
        throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes, got " + fingerprint.length);
      }
      fingerprint = fingerprint.clone();
    }

    /** Parses hex with or without colons, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static PinnedSha256 parse(String hex) {
      String h = hex.replace(":", "").trim().toLowerCase(Locale.ROOT);
      return new PinnedSha256(HexFormat.of().parseHex(h));
    }

    @Override
    public byte[] fingerprint() {
      return fingerprint.clone();
    }

    @Override
    public String toString() {
      return "PinnedSha256[" + HexFormat.ofDelimiter(":").formatHex(fingerprint) + "]";
    }
  }
}
