package dev.mailgate.config.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS towards a backend.
 *
 * @param pinsSha256 lower-case hex SHA-256 fingerprints of accepted certificates (DER), for PIN
 * @param clientCertificate a client certificate to present, if any
 */
public record BackendTlsConfig(
    TlsMode mode, VerifyMode verify, Optional<Path> caFile, List<String> pinsSha256,
    Optional<CertificateConfig> clientCertificate) {
  public BackendTlsConfig {
    pinsSha256 = List.copyOf(pinsSha256);
  }
}
