package dev.mailgate.gateway.proxy.imap;

/** How the real client address is conveyed to a backend (PRODUCT.md "backends"). */
public enum ClientConveyance {
  /** The backend sees the gateway's address. */
  NONE,
  /** A PROXY protocol v2 header before the first byte (not possible with implicit TLS, see report). */
  PROXY_V2,
  /** A PROXY protocol v1 text header before the first byte. */
  PROXY_V1,
  /**
   * RFC 2971 ID with {@code x-originating-ip}, {@code x-originating-port}, {@code x-connected-ip},
   * {@code x-connected-port} and {@code x-session-id} (Dovecot honours them from {@code
   * login_trusted_networks}); sent only when the backend advertises ID.
   */
  IMAP_ID
}
