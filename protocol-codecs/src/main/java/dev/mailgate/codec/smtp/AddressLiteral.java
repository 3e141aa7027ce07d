package dev.mailgate.codec.smtp;

/**
 * {@code address-literal} of RFC 5321 4.1.3: {@code [IPv4]}, {@code [IPv6:...]} (with the
 * compressed and IPv4-suffixed forms) and {@code [tag:dcontent]}.
 */
final class AddressLiteral {
  private AddressLiteral() {}

  /** Consumes {@code [...]} at the cursor or throws. */
  static void parse(LineCursor c) {
    c.expect('[', "address literal must start with [");
    int start = c.pos;
    while (c.pos < c.end && c.bytes[c.pos] != ']') {
      c.pos++;
    }
    int end = c.pos;
    c.expect(']', "unterminated address literal");
    if (!valid(c.bytes, start, end)) {
      throw SmtpSyntaxException.syntax("bad address literal");
    }
  }

  static boolean valid(byte[] b, int from, int to) {
    if (to - from > 5 && new String(b, from, 5, java.nio.charset.StandardCharsets.US_ASCII)
        .equalsIgnoreCase("IPv6:")) {
      return ipv6(b, from + 5, to);
    }
    if (from < to && b[from] >= '0' && b[from] <= '9') {
      return ipv4(b, from, to);
    }
    // General-address-literal = Standardized-tag ":" 1*dcontent
    int i = from;
    while (i < to && (SmtpPathParser.isLetDig(b[i]) || b[i] == '-')) {
      i++;
    }
    if (i == from || i >= to - 1 || b[i] != ':') {
      return false;
    }
    for (i++; i < to; i++) {
      int d = b[i] & 0xFF;
      if (!(d >= 33 && d <= 90) && !(d >= 94 && d <= 126)) {
        return false;
      }
    }
    return true;
  }

  static boolean ipv4(byte[] b, int from, int to) {
    int parts = 0;
    int i = from;
    while (true) {
      int start = i;
      int v = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9' && i - start < 3) {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      if (i == start || v > 255) {
        return false;
      }
      parts++;
      if (i == to) {
        return parts == 4;
      }
      if (b[i] != '.' || parts == 4) {
        return false;
      }
      i++;
    }
  }

  static boolean ipv6(byte[] b, int from, int to) {
    int groups = 0;
    boolean compressed = false;
    int i = from;
    if (to - i >= 2 && b[i] == ':' && b[i + 1] == ':') {
      compressed = true;
      i += 2;
      if (i == to) {
        return true;
      }
    }
    while (i < to) {
      int start = i;
      while (i < to && i - start < 5 && isHex(b[i])) {
        i++;
      }
      if (i < to && b[i] == '.') {
        // IPv4 suffix: counts as two groups
        if (!ipv4(b, start, to)) {
          return false;
        }
        groups += 2;
        i = to;
        break;
      }
      if (i == start || i - start > 4) {
        return false;
      }
      groups++;
      if (i == to) {
        break;
      }
      if (b[i] != ':') {
        return false;
      }
      i++;
      if (i < to && b[i] == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return false;
      }
    }
    return compressed ? groups <= 7 : groups == 8;
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
