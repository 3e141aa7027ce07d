package dev.mailgate.config.model;

/**
 * How the real client address reaches a backend: a PROXY protocol header (v2 binary or v1 text),
 * Postfix's XCLIENT (only used when the backend advertises it), an IMAP ID with
 * {@code x-originating-ip} (RFC 2971; only when advertised), or not at all.
 */
public enum ConveyClient {
  PROXY_V2,
  PROXY_V1,
  XCLIENT,
  IMAP_ID,
  NONE
}
