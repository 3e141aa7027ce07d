package dev.mailgate.gateway.proxy.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writing IMAP strings towards a backend (RFC 9051 section 4.3): quoted when every octet is a
 * 7-bit TEXT-CHAR, otherwise a non-synchronising literal (RFC 7888), which the caller may use only
 * when the backend advertised LITERAL+.
 */
final class ImapStrings {

  private ImapStrings() {}

  static boolean quotable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c == '\r' || c == '\n' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** {@code "..."} with backslash and quote escaped; the caller checked {@link #quotable}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  static void ascii(ByteBuf out, String s) {
    ByteBufUtil.writeAscii(out, s);
  }

  /**
   * Writes {@code value} quoted, or as {@code {n+}} literal when it cannot be quoted and the
   * backend takes one ({@code literalPlus}, or LITERAL- for small values); false when neither.
   */
  static boolean writeAstring(ByteBuf out, byte[] value, boolean literalPlus) {
    boolean quotable = true;
    for (byte b : value) {
      if (b == 0 || b == '\r' || b == '\n' || b < 0) {
        quotable = false;
        break;
      }
    }
    if (quotable) {
      out.writeByte('"');
      for (byte b : value) {
        if (b == '"' || b == '\\') {
          out.writeByte('\\');
        }
        out.writeByte(b);
      }
      out.writeByte('"');
      return true;
    }
    if (!literalPlus) {
      return false;
    }
    ascii(out, "{" + value.length + "+}\r\n");
    out.writeBytes(value);
    return true;
  }
}
