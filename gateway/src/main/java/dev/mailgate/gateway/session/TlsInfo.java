package dev.mailgate.gateway.session;

import java.util.Objects;

/**
 * The negotiated TLS parameters of a client connection, as reported by the SSL engine after the
 * handshake (for example {@code TLSv1.3} and {@code TLS_AES_128_GCM_SHA256}).
 */
public record TlsInfo(String version, String cipher) {
  public TlsInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(cipher, "cipher");
  }
}
