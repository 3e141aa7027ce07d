package dev.mailgate.gateway.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues X.509 v3 certificates (RFC 5280) with BouncyCastle: self-signed server certificates, and
 * (for tests and the dev default) a CA and leaves signed by it. Leaves carry the subjectAltName
 * DNS and IP entries that RFC 6125 hostname checks use, and the serverAuth/clientAuth usages.
 */
public final class CertificateIssuer {

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateIssuer() {}

  /** A CA certificate, self-signed, allowed to sign leaves. */
  public static X509Certificate certificateAuthority(KeyPair keys, String commonName, Duration validity)
      throws GeneralSecurityException {
    X500Name name = name(commonName);
    X509v3CertificateBuilder b = builder(name, name, keys, validity);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return sign(b, keys.getPrivate());
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /**
   * A server/client leaf for {@code names} (DNS names or IP literals; the first is the subject's
   * CN), signed by {@code issuerKey}; self-signed when {@code issuer} is null.
   */
  public static X509Certificate leaf(
      KeyPair keys, List<String> names, X509Certificate issuer, PrivateKey issuerKey, Duration validity)
      throws GeneralSecurityException {
    X500Name subject = name(names.get(0));
    X500Name issuerName =
        issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = builder(issuerName, subject, keys, validity);
    try {
      List<GeneralName> alt = new ArrayList<>();
      for (String n : names) {
        alt.add(
            isIpLiteral(n)
                ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                : new GeneralName(GeneralName.dNSName, n));
      }
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
      int usage = KeyUsage.digitalSignature;
      if ("RSA".equals(keys.getPublic().getAlgorithm())) {
        usage |= KeyUsage.keyEncipherment;
      }
      b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (issuer != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
      }
      return sign(b, issuerKey == null ? keys.getPrivate() : issuerKey);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static boolean isIpLiteral(String name) {
    return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "mailgate")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
    Instant now = Instant.now();
    // Backdate a little so clocks slightly behind ours still accept the certificate.
    Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
    Date notAfter = Date.from(now.plus(validity));
    BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(issuer, serial, notBefore, notAfter, subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(KeyPairs.signatureAlgorithm(signer)).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
