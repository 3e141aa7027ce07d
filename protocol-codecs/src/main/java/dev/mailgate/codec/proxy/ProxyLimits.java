package dev.mailgate.codec.proxy;

/**
 * Bounds for the PROXY protocol decoder (HAProxy "PROXY protocol" spec, sections 2.1 and 2.2).
 * Version 1 headers are at most {@link #V1_MAX_LENGTH} bytes by the spec; a version 2 header
 * announces its length (up to 65535) before sending it, so a hostile peer is refused before any of
 * it is buffered.
 *
 * @param maxV2Length bytes after the 16-byte v2 header (addresses and TLVs); 216 (AF_UNIX) at least
 * @param maxTlvs TLVs in one v2 header, SSL sub-TLVs included
 */
public record ProxyLimits(int maxV2Length, int maxTlvs) {
  /** Spec section 2.1: "PROXY" ... CRLF never exceeds 107 bytes. */
  public static final int V1_MAX_LENGTH = 107;

  /** Safe defaults: 2 KB of addresses and TLVs (ample for ALPN, authority and SSL), 32 TLVs. */
  public static final ProxyLimits DEFAULTS = new ProxyLimits(2048, 32);

  public ProxyLimits {
    if (maxV2Length < 216 || maxV2Length > 65535) {
      throw new IllegalArgumentException("maxV2Length out of range: " + maxV2Length);
    }
    if (maxTlvs < 0) {
      throw new IllegalArgumentException("maxTlvs out of range: " + maxTlvs);
    }
  }
}
