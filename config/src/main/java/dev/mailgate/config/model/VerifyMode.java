package dev.mailgate.config.model;

/** How the gateway verifies a backend's certificate. There is deliberately no "off". */
public enum VerifyMode {
  /** Against the JVM's trusted CAs, with host name verification. */
  SYSTEM,
  /** Against the CA certificates in a PEM file, with host name verification. */
  CA_FILE,
  /** By the SHA-256 fingerprint of the backend's certificate (any name, any issuer). */
  PIN
}
