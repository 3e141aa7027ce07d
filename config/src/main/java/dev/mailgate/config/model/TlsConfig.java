package dev.mailgate.config.model;

import java.util.List;

/**
 * Server-side TLS. With no certificate, {@code selfSigned} (default true) makes the gateway
 * generate one for the host name and {@code localhost}, kept in the data directory.
 *
 * @param protocols enabled versions (default TLSv1.2 and TLSv1.3; older ones are refused)
 * @param ciphers cipher suites; empty means the provider's secure defaults
 */
public record TlsConfig(
    List<CertificateConfig> certificates, List<String> protocols, List<String> ciphers,
    boolean selfSigned) {
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

  public TlsConfig {
    certificates = List.copyOf(certificates);
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
  }
}
