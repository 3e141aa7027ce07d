package dev.mailgate.gateway.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Key generation and the key/certificate match check, with the JDK's providers. */
public final class KeyPairs {

  /** The key types the gateway generates. */
  public enum Type {
    /** ECDSA on NIST P-256 (secp256r1): small and fast to handshake. */
    EC_P256,
    /** RSA 2048: for old clients without ECDSA. */
    RSA_2048
  }

  private KeyPairs() {}

  public static KeyPair generate(Type type) throws GeneralSecurityException {
    switch (type) {
      case EC_P256 -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
      }
      case RSA_2048 -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      default -> throw new IllegalArgumentException(type.name());
    }
  }

  /** The signature algorithm for certificates signed by {@code key}. */
  public static String signatureAlgorithm(PrivateKey key) {
    return "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
  }

  /** True when {@code key} signs what {@code publicKey} verifies: the key belongs to the cert. */
  public static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    byte[] probe = "mailgate key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(signatureAlgorithm(key));
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(signatureAlgorithm(key));
    verifier.initVerify(publicKey);
    verifier.update(probe);
    return verifier.verify(signature);
  }
}
