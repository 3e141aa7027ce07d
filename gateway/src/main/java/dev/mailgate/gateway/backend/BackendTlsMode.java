package dev.mailgate.gateway.backend;

/** TLS on the leg to a backend. */
public enum BackendTlsMode {
  /** Plaintext (a backend on a trusted network or loopback). */
  NONE,
  /** Plaintext greeting, then the session sends STARTTLS / STLS and calls {@link BackendConnection#startTls()}. */
  STARTTLS,
  /** TLS from the first byte; the handshake completes inside {@link BackendConnector#connect}. */
  IMPLICIT
}
