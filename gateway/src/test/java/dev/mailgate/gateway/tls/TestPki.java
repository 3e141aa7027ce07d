package dev.mailgate.gateway.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/** A test CA that issues leaves and writes them as PEM in every key format the gateway reads. */
public final class TestPki {

  /** The formats a key file can be written in. */
  public enum KeyFormat {
    PKCS8,
    /** "RSA PRIVATE KEY" / "EC PRIVATE KEY" (PKCS#1 / SEC1). */
    TRADITIONAL,
    ENCRYPTED_PKCS8,
    ENCRYPTED_TRADITIONAL
  }

  public static final String PASSPHRASE = "correct horse battery staple";

  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestPki(KeyPair caKeys, X509Certificate ca) {
    this.caKeys = caKeys;
    this.ca = ca;
  }

  public static TestPki create(String name) {
    try {
      KeyPair keys = KeyPairs.generate(KeyPairs.Type.EC_P256);
      return new TestPki(keys, CertificateIssuer.certificateAuthority(keys, name, Duration.ofDays(30)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /** Writes the CA certificate as {@code dir/ca.pem}. */
  public Path writeCa(Path dir) throws IOException {
    Path p = dir.resolve("ca.pem");
    PemWriter.writeCertificates(p, List.of(ca));
    return p;
  }

  /** Issues a leaf for {@code names} and writes {@code dir/<file>-cert.pem} (leaf + CA) and key. */
  public CertificateSpec issue(Path dir, String file, KeyPairs.Type type, KeyFormat format, String... names)
      throws IOException {
    try {
      KeyPair keys = KeyPairs.generate(type);
      X509Certificate leaf =
          CertificateIssuer.leaf(keys, List.of(names), ca, caKeys.getPrivate(), Duration.ofDays(30));
      Path cert = dir.resolve(file + "-cert.pem");
      Path key = dir.resolve(file + "-key.pem");
      PemWriter.writeCertificates(cert, List.of(leaf, ca));
      PemWriter.writeKey(key, keyPem(keys.getPrivate(), format));
      boolean encrypted = format == KeyFormat.ENCRYPTED_PKCS8 || format == KeyFormat.ENCRYPTED_TRADITIONAL;
      return new CertificateSpec(cert, key, encrypted ? PASSPHRASE : null);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  static String keyPem(PrivateKey jdkKey, KeyFormat format) throws IOException {
    // The JDK's PKCS#8 EC encoding leaves the curve out of the inner SEC1 structure; BouncyCastle's
    // keeps it, as OpenSSL does, so traditional "EC PRIVATE KEY" output is complete.
    PrivateKey key;
    try {
      key = java.security.KeyFactory.getInstance(jdkKey.getAlgorithm(), new BouncyCastleProvider())
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(jdkKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      switch (format) {
        case PKCS8 -> w.writeObject(new JcaPKCS8Generator(key, null));
        case TRADITIONAL -> w.writeObject(new JcaMiscPEMGenerator(key));
        case ENCRYPTED_PKCS8 -> w.writeObject(
            new JcaPKCS8Generator(
                key,
                new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider())
                    .setRandom(new SecureRandom())
                    .setPassword(PASSPHRASE.toCharArray())
                    .build()));
        case ENCRYPTED_TRADITIONAL -> w.writeObject(
            new JcaMiscPEMGenerator(
                key,
                new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new BouncyCastleProvider())
                    .build(PASSPHRASE.toCharArray())));
      }
    } catch (OperatorCreationException e) {
      throw new IOException(e);
    }
    return out.toString();
  }
}
