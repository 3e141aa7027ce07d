package dev.mailgate.gateway.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificates and private keys from PEM files (RFC 7468) with BouncyCastle's {@link
 * PEMParser}.
 *
 * <p>Keys: RSA and EC, as PKCS#1 / SEC1 ("RSA PRIVATE KEY", "EC PRIVATE KEY"), PKCS#8 ("PRIVATE
 * KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", RFC 5958) and OpenSSL's encrypted traditional
 * form ("Proc-Type: 4,ENCRYPTED"). Keys come out as JDK key objects so both the OpenSSL and the JDK
 * TLS providers accept them. BouncyCastle is used as an unregistered provider instance only for
 * decryption: nothing is added to the global JCA provider list.
 */
public final class PemFiles {

  private static final Provider BC = new BouncyCastleProvider();

  private PemFiles() {}

  /** Reads every certificate in the file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          out.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException e) {
      throw new IOException(file + ": bad certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no certificate found");
    }
    return out;
  }

  /**
   * Reads the first private key in the file.
   *
   * @param passphrase required when the key is encrypted; ignored otherwise
   */
  public static PrivateKey readPrivateKey(Path file, String passphrase) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          // SEC1 EC keys may omit the public key, so convert only the private half.
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          char[] pass = requirePassphrase(file, passphrase);
          PrivateKeyInfo info =
              encrypted.decryptPrivateKeyInfo(
                  new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pass));
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMEncryptedKeyPair encrypted) {
          char[] pass = requirePassphrase(file, passphrase);
          PEMKeyPair pair;
          try {
            pair = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pass));
          } catch (org.bouncycastle.openssl.PEMException e) {
            // A wrong passphrase usually fails the CBC padding check (EncryptionException, a
            // PEMException), but about one time in 256 the padding happens to be valid and the
            // garbage fails to parse as a key instead: the same cause, so the same answer.
            throw cannotDecrypt(file, e);
          }
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw cannotDecrypt(file, e);
    }
    throw new IOException(file + ": no private key found");
  }

  /** Names the file, never the passphrase. */
  private static IOException cannotDecrypt(Path file, Exception cause) {
    return new IOException(file + ": cannot decrypt private key (wrong passphrase?)", cause);
  }

  /** Loads a chain and its key, and checks that the key belongs to the leaf certificate. */
  public static KeyMaterial load(CertificateSpec spec) throws IOException {
    List<X509Certificate> chain = readCertificates(spec.certificateChain());
    PrivateKey key = readPrivateKey(spec.privateKey(), spec.passphrase());
    KeyMaterial material = new KeyMaterial(key, chain);
    try {
      if (!KeyPairs.matches(key, material.leaf().getPublicKey())) {
        throw new IOException(spec.privateKey() + ": key does not match " + spec.certificateChain());
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(spec.privateKey() + ": cannot check key: " + e.getMessage(), e);
    }
    return material;
  }

  private static char[] requirePassphrase(Path file, String passphrase) throws IOException {
    if (passphrase == null) {
      throw new IOException(file + ": private key is encrypted and no passphrase is configured");
    }
    return passphrase.toCharArray();
  }
}
