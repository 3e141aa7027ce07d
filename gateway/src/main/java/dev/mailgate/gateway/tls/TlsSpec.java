package dev.mailgate.gateway.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Gateway-internal server TLS settings; the composition root maps them from the configuration
 * tree.
 *
 * <p>The first entry of {@code certificates} is the default (served when the client sends no SNI
 * name, RFC 6066 section 3, or a name no certificate covers); the others are chosen by the DNS
 * names of their subjectAltName (RFC 6125). With no certificates, a self-signed one for {@code
 * hostName} and {@code localhost} is generated under {@code dataDirectory} and reused.
 *
 * @param certificates certificates to serve; empty means generate a self-signed one
 * @param dataDirectory where the generated certificate lives
 * @param hostName the name the generated certificate is issued for
 * @param protocols enabled protocol versions (default TLS 1.2 and 1.3)
 * @param ciphers enabled cipher suites (default {@link TlsDefaults#CIPHERS})
 * @param reloadInterval how often the certificate files are checked for change; zero disables
 * @param sessionCacheSize server-side session cache entries (resumption, RFC 8446 section 2.2)
 * @param sessionTimeout lifetime of a cached session or ticket
 * @param handshakeTimeout how long a client may take to complete its handshake
 * @param preferOpenSsl use OpenSSL (netty-tcnative) when it loads; false forces the JDK provider
 */
public record TlsSpec(
    List<CertificateSpec> certificates,
    Path dataDirectory,
    String hostName,
    List<String> protocols,
    List<String> ciphers,
    Duration reloadInterval,
    int sessionCacheSize,
    Duration sessionTimeout,
    Duration handshakeTimeout,
    boolean preferOpenSsl) {

  public TlsSpec {
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(hostName, "hostName");
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("no TLS protocol enabled");
    }
    if (sessionCacheSize < 0) {
      throw new IllegalArgumentException("sessionCacheSize < 0");
    }
  }

  /** Secure defaults: the given certificates, TLS 1.2+, a 5 s reload check, a 20,000 entry cache. */
  public static TlsSpec defaults(List<CertificateSpec> certificates, Path dataDirectory, String hostName) {
    return new TlsSpec(
        certificates,
        dataDirectory,
        hostName,
        TlsDefaults.PROTOCOLS,
        TlsDefaults.CIPHERS,
        Duration.ofSeconds(5),
        20_000,
        Duration.ofHours(1),
        Duration.ofSeconds(10),
        true);
  }

  public TlsSpec withReloadInterval(Duration interval) {
    return new TlsSpec(certificates, dataDirectory, hostName, protocols, ciphers, interval,
        sessionCacheSize, sessionTimeout, handshakeTimeout, preferOpenSsl);
  }

  public TlsSpec withPreferOpenSsl(boolean prefer) {
    return new TlsSpec(certificates, dataDirectory, hostName, protocols, ciphers, reloadInterval,
        sessionCacheSize, sessionTimeout, handshakeTimeout, prefer);
  }
}
