package dev.mailgate.codec.proxy;

import java.util.List;

/**
 * The PP2_TYPE_SSL TLV (spec section 2.2.5): how the client reached the proxy over TLS.
 *
 * @param client the PP2_CLIENT_* bit field (0x01 SSL, 0x02 CERT_CONN, 0x04 CERT_SESS)
 * @param verify 0 when the client presented a certificate that verified
 * @param subTlvs the sub-TLVs (version, CN, cipher, signature and key algorithms)
 */
public record ProxySsl(int client, long verify, List<ProxyTlv> subTlvs) {
  public static final int PP2_CLIENT_SSL = 0x01;
  public static final int PP2_CLIENT_CERT_CONN = 0x02;
  public static final int PP2_CLIENT_CERT_SESS = 0x04;

  public ProxySsl {
    subTlvs = List.copyOf(subTlvs);
  }

  /** The text of sub-TLV {@code type} (e.g. {@link ProxyTlv#PP2_SUBTYPE_SSL_VERSION}), or null. */
  public String text(int type) {
    for (ProxyTlv t : subTlvs) {
      if (t.type() == type) {
        return t.text();
      }
    }
    return null;
  }

  public String version() {
    return text(ProxyTlv.PP2_SUBTYPE_SSL_VERSION);
  }

  public String commonName() {
    return text(ProxyTlv.PP2_SUBTYPE_SSL_CN);
  }

  public String cipher() {
    return text(ProxyTlv.PP2_SUBTYPE_SSL_CIPHER);
  }
}
