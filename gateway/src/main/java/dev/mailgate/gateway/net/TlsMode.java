package dev.mailgate.gateway.net;

/** When TLS starts on a connection. */
public enum TlsMode {
  /** Never: plaintext only. */
  NONE,
  /** Plaintext first; the session offers STARTTLS / STLS (RFC 3207, RFC 2595) and upgrades. */
  STARTTLS,
  /** TLS from the first byte (RFC 8314 implicit TLS: ports 465, 993, 995). */
  IMPLICIT
}
