package dev.mailgate.config.model;

/** How a listener or a backend connection uses TLS (RFC 8314 prefers IMPLICIT). */
public enum TlsMode {
  /** Plain text only; STARTTLS is not offered. */
  NONE,
  /** Plain text first, upgraded by STARTTLS / STLS (RFC 3207, RFC 2595). */
  STARTTLS,
  /** TLS from the first byte (ports 465, 993, 995). */
  IMPLICIT
}
