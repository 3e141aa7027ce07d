package dev.mailgate.codec.proxy;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses a version 1 line (spec section 2.1) without its CRLF: {@code PROXY TCP4|TCP6 src dst
 * sport dport} or {@code PROXY UNKNOWN ...}. Addresses are parsed here, never by a resolver: a
 * malformed address can never trigger a DNS lookup.
 */
final class ProxyV1Parser {
  private ProxyV1Parser() {}

  static Object parse(byte[] line) {
    String s = new String(line, StandardCharsets.US_ASCII);
    for (int i = 0; i < line.length; i++) {
      if (line[i] < 0x20 || line[i] >= 0x7f) {
        return fail("PROXY v1 line contains a control or 8-bit byte");
      }
    }
    if (s.equals("PROXY UNKNOWN") || s.startsWith("PROXY UNKNOWN ")) {
      return ProxyHeader.unknownV1(); // the rest of the line is to be ignored (spec 2.1)
    }
    String[] f = s.split(" ", -1);
    if (f.length != 6 || !f[0].equals("PROXY")) {
      return fail("PROXY v1 line needs protocol, two addresses and two ports");
    }
    byte[] src;
    byte[] dst;
    if (f[1].equals("TCP4")) {
      src = ipv4(f[2]);
      dst = ipv4(f[3]);
    } else if (f[1].equals("TCP6")) {
      src = ipv6(f[2]);
      dst = ipv6(f[3]);
    } else {
      return fail("PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN");
    }
    int sport = port(f[4]);
    int dport = port(f[5]);
    if (src == null || dst == null || sport < 0 || dport < 0) {
      return fail("PROXY v1 address or port is malformed");
    }
    try {
      return ProxyHeader.tcp(1, new InetSocketAddress(InetAddress.getByAddress(src), sport),
          new InetSocketAddress(InetAddress.getByAddress(dst), dport), List.of());
    } catch (UnknownHostException e) {
      return fail("PROXY v1 address is malformed"); // unreachable: lengths are 4 or 16
    }
  }

  private static DecodeFailure fail(String detail) {
    return DecodeFailure.of(ProtocolError.SYNTAX, detail);
  }

  /** 0..65535 in decimal, no sign; leading zeros refused (a proxy never sends them). */
  static int port(String s) {
    if (s.isEmpty() || s.length() > 5 || (s.length() > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 65535 ? v : -1;
  }

  /** Dotted quad, each part 0..255 without leading zeros, or null. */
  static byte[] ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /** RFC 4291 section 2.2 text form (with "::" and an optional dotted-quad tail), or null. */
  static byte[] ipv6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] h = groups(head, dbl < 0);
    int[] t = dbl >= 0 ? groups(tail, true) : new int[0];
    if (h == null || t == null) {
      return null;
    }
    int total = h.length + t.length;
    if ((dbl < 0 && total != 8) || (dbl >= 0 && total > 7)) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < h.length; i++) {
      out[2 * i] = (byte) (h[i] >> 8);
      out[2 * i + 1] = (byte) h[i];
    }
    for (int i = 0; i < t.length; i++) {
      int at = 8 - t.length + i;
      out[2 * at] = (byte) (t[i] >> 8);
      out[2 * at + 1] = (byte) t[i];
    }
    return out;
  }

  /** Colon-separated hex groups; the last may be a dotted quad (two groups) when allowed. */
  private static int[] groups(String s, boolean quadAllowed) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && quadAllowed && p.indexOf('.') >= 0) {
        byte[] q = ipv4(p);
        if (q == null) {
          return null;
        }
        out[n++] = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
        out[n++] = ((q[2] & 0xff) << 8) | (q[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = Character.digit(p.charAt(j), 16);
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[n++] = v;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
