package dev.mailgate.bench.load.servers;

import dev.mailgate.gateway.tls.CertificateIssuer;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.PemWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * One CA and one EC P-256 server certificate for localhost and 127.0.0.1, shared by every TLS
 * server under test so that handshakes cost the same key operations everywhere; the load clients
 * trust the CA.
 */
public record BenchPki(Path caFile, Path certFile, Path keyFile) {

  public static BenchPki create(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPair caKeys = KeyPairs.generate(KeyPairs.Type.EC_P256);
    X509Certificate ca = CertificateIssuer.certificateAuthority(caKeys, "mailgate bench CA", Duration.ofDays(7));
    KeyPair keys = KeyPairs.generate(KeyPairs.Type.EC_P256);
    X509Certificate leaf = CertificateIssuer.leaf(keys, List.of("localhost", "127.0.0.1"), ca, caKeys.getPrivate(), Duration.ofDays(7));
    BenchPki pki = new BenchPki(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"));
    PemWriter.writeCertificates(pki.caFile(), List.of(ca));
    PemWriter.writeCertificates(pki.certFile(), List.of(leaf, ca));
    PemWriter.writeKey(pki.keyFile(), PemWriter.pkcs8(keys.getPrivate()));
    return pki;
  }
}
