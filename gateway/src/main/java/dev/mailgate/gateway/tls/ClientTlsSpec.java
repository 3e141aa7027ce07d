package dev.mailgate.gateway.tls;

import java.util.List;
import java.util.Objects;

/**
 * Gateway-internal TLS settings towards one backend.
 *
 * @param trust how the backend's certificate is verified
 * @param clientCertificate a certificate to present (mutual TLS), or {@code null}
 * @param serverName the name sent as SNI and checked against the certificate (RFC 6125); when
 *     {@code null} the backend's host is used. IP literals are checked but never sent as SNI (RFC
 *     6066 section 3 forbids it)
 * @param protocols enabled versions
 * @param ciphers enabled suites
 * @param preferOpenSsl use OpenSSL when it loads
 */
public record ClientTlsSpec(
    BackendTrust trust,
    CertificateSpec clientCertificate,
    String serverName,
    List<String> protocols,
    List<String> ciphers,
    boolean preferOpenSsl) {

  public ClientTlsSpec {
    Objects.requireNonNull(trust, "trust");
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
  }

  /** Secure defaults with the given trust and no client certificate. */
  public static ClientTlsSpec of(BackendTrust trust) {
    return new ClientTlsSpec(trust, null, null, TlsDefaults.PROTOCOLS, TlsDefaults.CIPHERS, true);
  }

  public ClientTlsSpec withClientCertificate(CertificateSpec cert) {
    return new ClientTlsSpec(trust, cert, serverName, protocols, ciphers, preferOpenSsl);
  }

  public ClientTlsSpec withServerName(String name) {
    return new ClientTlsSpec(trust, clientCertificate, name, protocols, ciphers, preferOpenSsl);
  }
}
