package dev.mailgate.codec.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One type-length-value of a PROXY v2 header (spec section 2.2.1 ff.); {@code value} is at most
 * 65535 bytes.
 */
public record ProxyTlv(int type, byte[] value) {
  public static final int PP2_TYPE_ALPN = 0x01;
  public static final int PP2_TYPE_AUTHORITY = 0x02;
  public static final int PP2_TYPE_CRC32C = 0x03;
  public static final int PP2_TYPE_NOOP = 0x04;
  public static final int PP2_TYPE_UNIQUE_ID = 0x05;
  public static final int PP2_TYPE_SSL = 0x20;
  public static final int PP2_SUBTYPE_SSL_VERSION = 0x21;
  public static final int PP2_SUBTYPE_SSL_CN = 0x22;
  public static final int PP2_SUBTYPE_SSL_CIPHER = 0x23;
  public static final int PP2_SUBTYPE_SSL_SIG_ALG = 0x24;
  public static final int PP2_SUBTYPE_SSL_KEY_ALG = 0x25;
  public static final int PP2_TYPE_NETNS = 0x30;

  public ProxyTlv {
    if (type < 0 || type > 0xff) {
      throw new IllegalArgumentException("TLV type is one byte");
    }
    if (value.length > 0xffff) {
      throw new IllegalArgumentException("TLV value longer than 65535");
    }
    value = value.clone();
  }

  public static ProxyTlv ofText(int type, String text) {
    return new ProxyTlv(type, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  int length() {
    return value.length;
  }

  byte[] valueUnsafe() {
    return value;
  }

  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyTlv t && t.type == type && Arrays.equals(t.value, value);
  }

  @Override
  public int hashCode() {
    return type * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "ProxyTlv[type=0x" + Integer.toHexString(type) + ", value=" + HexFormat.of().formatHex(value) + "]";
  }
}
