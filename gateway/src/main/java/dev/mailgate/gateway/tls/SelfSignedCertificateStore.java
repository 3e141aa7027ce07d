package dev.mailgate.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate served when none is configured: generated once with BouncyCastle for the host
 * name and {@code localhost} (subjectAltName DNS entries) and the loopback addresses {@code
 * 127.0.0.1} and {@code ::1} (IP entries), saved as PEM under {@code
 * <dataDirectory>/tls/} and reused on later starts until it is within 30 days of expiry.
 */
public final class SelfSignedCertificateStore {

  private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificateStore.class);
  static final String CERT_FILE = "selfsigned-cert.pem";
  static final String KEY_FILE = "selfsigned-key.pem";
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private SelfSignedCertificateStore() {}

  /** The spec of the stored certificate, generating it first when missing or nearly expired. */
  public static CertificateSpec ensure(Path dataDirectory, String hostName, KeyPairs.Type type)
      throws IOException {
    Path dir = dataDirectory.resolve("tls");
    CertificateSpec spec = CertificateSpec.of(dir.resolve(CERT_FILE), dir.resolve(KEY_FILE));
    if (Files.exists(spec.certificateChain()) && Files.exists(spec.privateKey())) {
      try {
        KeyMaterial existing = PemFiles.load(spec);
        Date renewAt = Date.from(Instant.now().plus(RENEW_BEFORE));
        if (existing.leaf().getNotAfter().after(renewAt)) {
          LOG.info("tls: reusing self-signed certificate {}", spec.certificateChain());
          return spec;
        }
        LOG.info("tls: self-signed certificate {} expires soon; generating a new one", spec.certificateChain());
      } catch (IOException e) {
        LOG.warn("tls: stored self-signed certificate unusable ({}); generating a new one", e.getMessage());
      }
    }
    generate(spec, hostName, type);
    return spec;
  }

  private static void generate(CertificateSpec spec, String hostName, KeyPairs.Type type) throws IOException {
    try {
      KeyPair keys = KeyPairs.generate(type);
      Set<String> names = new LinkedHashSet<>();
      names.add(hostName);
      names.add("localhost");
      // Clients pointed at the loopback address (fetchmail 127.0.0.1 sslcertck, openssl -verify_ip)
      // check an IP subjectAltName (RFC 6125 1.7.2): "localhost" alone fails them.
      names.add("127.0.0.1");
      names.add("::1");
      X509Certificate cert = CertificateIssuer.leaf(keys, List.copyOf(names), null, null, VALIDITY);
      // Key first: a watcher that sees the new certificate must find its key already there.
      PemWriter.writeKey(spec.privateKey(), PemWriter.pkcs8(keys.getPrivate()));
      PemWriter.writeCertificates(spec.certificateChain(), List.of(cert));
      LOG.info("tls: generated self-signed {} certificate for {} in {}", type, names, spec.certificateChain());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
    }
  }
}
