package dev.mailgate.gateway.tls;

import java.util.List;

/**
 * Secure defaults shared by the server and backend TLS contexts: TLS 1.2 and 1.3 only, and for 1.2
 * only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305), per RFC 9325 section
 * 4.2. TLS 1.3 suites (RFC 8446 section B.4) are all AEAD.
 */
public final class TlsDefaults {

  /** Protocol versions enabled unless a spec overrides them. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Cipher suites (Java / IANA names); suites a provider lacks are filtered out at build time. */
  public static final List<String> CIPHERS =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsDefaults() {}
}
