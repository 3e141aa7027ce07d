package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * Gateway-internal settings of one backend server; the composition root maps them from the
 * configuration tree.
 *
 * @param name unique name (circuit breaker, logs, metrics)
 * @param host host name or IP literal
 * @param port TCP port
 * @param tlsMode none, STARTTLS or implicit
 * @param tls trust, client certificate and SNI; ignored for {@link BackendTlsMode#NONE}
 * @param connectTimeout TCP connect limit
 * @param handshakeTimeout the limit for the TLS handshake and for the backend's greeting (the
 *     configuration's {@code greeting_timeout})
 */
public record BackendSpec(
    String name,
    String host,
    int port,
    BackendTlsMode tlsMode,
    ClientTlsSpec tls,
    Duration connectTimeout,
    Duration handshakeTimeout) {

  public BackendSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tlsMode, "tlsMode");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (tls == null) {
      tls = ClientTlsSpec.of(new BackendTrust.SystemCas());
    }
  }

  /** Defaults: system CAs, 5 s connect timeout, 10 s handshake timeout. */
  public static BackendSpec of(String name, String host, int port, BackendTlsMode mode) {
    return new BackendSpec(name, host, port, mode, null, Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  public BackendSpec withTls(ClientTlsSpec clientTls) {
    return new BackendSpec(name, host, port, tlsMode, clientTls, connectTimeout, handshakeTimeout);
  }

  public BackendSpec withName(String newName) {
    return new BackendSpec(newName, host, port, tlsMode, tls, connectTimeout, handshakeTimeout);
  }

  public BackendSpec withConnectTimeout(Duration timeout) {
    return new BackendSpec(name, host, port, tlsMode, tls, timeout, handshakeTimeout);
  }

  @Override
  public String toString() {
    return name + "(" + host + ":" + port + ", " + tlsMode + ")";
  }
}
