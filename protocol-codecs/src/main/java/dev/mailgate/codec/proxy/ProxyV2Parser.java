package dev.mailgate.codec.proxy;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Parses a complete version 2 header (spec section 2.2): the 16-byte fixed part, the address
 * block of the announced family, then TLVs that must fill the rest exactly. A PP2_TYPE_CRC32C TLV
 * is verified (spec 2.2.2). Works on a byte array already bounded by {@link ProxyLimits}.
 */
final class ProxyV2Parser {
  static final int FIXED = 16;

  private ProxyV2Parser() {}

  static Object parse(byte[] h, ProxyLimits limits) {
    int verCmd = h[12] & 0xff;
    if ((verCmd >> 4) != 2) {
      return fail("PROXY v2 version nibble is not 2");
    }
    ProxyHeader.Command command;
    switch (verCmd & 0x0f) {
      case 0: command = ProxyHeader.Command.LOCAL; break;
      case 1: command = ProxyHeader.Command.PROXY; break;
      default: return fail("PROXY v2 command is neither LOCAL nor PROXY");
    }
    int famTrans = h[13] & 0xff;
    ProxyHeader.Family family;
    int addrLen;
    switch (famTrans >> 4) {
      case 0: family = ProxyHeader.Family.UNSPEC; addrLen = 0; break;
      case 1: family = ProxyHeader.Family.INET; addrLen = 12; break;
      case 2: family = ProxyHeader.Family.INET6; addrLen = 36; break;
      case 3: family = ProxyHeader.Family.UNIX; addrLen = 216; break;
      default: return fail("PROXY v2 address family is unknown");
    }
    ProxyHeader.Transport transport;
    switch (famTrans & 0x0f) {
      case 0: transport = ProxyHeader.Transport.UNSPEC; break;
      case 1: transport = ProxyHeader.Transport.STREAM; break;
      case 2: transport = ProxyHeader.Transport.DGRAM; break;
      default: return fail("PROXY v2 transport is unknown");
    }
    int len = h.length - FIXED;
    if (command == ProxyHeader.Command.LOCAL) {
      // spec 2.2: the receiver must ignore the address information of LOCAL connections
      return ProxyHeader.local();
    }
    if (len < addrLen) {
      return fail("PROXY v2 length is shorter than the address block");
    }
    List<ProxyTlv> tlvs = new ArrayList<>();
    Object bad = tlvs(h, FIXED + addrLen, h.length, limits.maxTlvs(), tlvs);
    if (bad != null) {
      return bad;
    }
    if (family == ProxyHeader.Family.UNSPEC) {
      return new ProxyHeader(2, command, family, transport, null, null, tlvs);
    }
    SocketAddress src;
    SocketAddress dst;
    int a = FIXED;
    try {
      if (family == ProxyHeader.Family.UNIX) {
        src = UnixDomainSocketAddress.of(path(h, a));
        dst = UnixDomainSocketAddress.of(path(h, a + 108));
      } else {
        int n = family == ProxyHeader.Family.INET ? 4 : 16;
        byte[] s = java.util.Arrays.copyOfRange(h, a, a + n);
        byte[] d = java.util.Arrays.copyOfRange(h, a + n, a + 2 * n);
        int sport = ((h[a + 2 * n] & 0xff) << 8) | (h[a + 2 * n + 1] & 0xff);
        int dport = ((h[a + 2 * n + 2] & 0xff) << 8) | (h[a + 2 * n + 3] & 0xff);
        src = new InetSocketAddress(InetAddress.getByAddress(s), sport);
        dst = new InetSocketAddress(InetAddress.getByAddress(d), dport);
      }
    } catch (java.io.IOException | RuntimeException e) {
      return fail("PROXY v2 address is malformed");
    }
    return new ProxyHeader(2, command, family, transport, src, dst, tlvs);
  }

  private static String path(byte[] h, int from) {
    int end = from;
    while (end < from + 108 && h[end] != 0) {
      end++;
    }
    return new String(h, from, end - from, StandardCharsets.UTF_8);
  }

  private static Object tlvs(byte[] h, int from, int to, int maxTlvs, List<ProxyTlv> out) {
    int at = from;
    int count = 0;
    while (at < to) {
      if (to - at < 3) {
        return fail("PROXY v2 TLV is truncated");
      }
      int type = h[at] & 0xff;
      int len = ((h[at + 1] & 0xff) << 8) | (h[at + 2] & 0xff);
      if (len > to - at - 3) {
        return fail("PROXY v2 TLV is longer than the header");
      }
      if (++count > maxTlvs) {
        return DecodeFailure.of(ProtocolError.TOO_MANY_PARAMETERS, "too many PROXY v2 TLVs");
      }
      byte[] value = java.util.Arrays.copyOfRange(h, at + 3, at + 3 + len);
      if (type == ProxyTlv.PP2_TYPE_CRC32C) {
        if (len != 4 || !crcMatches(h, at + 3)) {
          return fail("PROXY v2 CRC32C does not match");
        }
      } else if (type == ProxyTlv.PP2_TYPE_SSL) {
        if (parseSsl(value, maxTlvs) == null) {
          return fail("PROXY v2 SSL TLV is malformed");
        }
        out.add(new ProxyTlv(type, value));
      } else if (type != ProxyTlv.PP2_TYPE_NOOP) {
        out.add(new ProxyTlv(type, value));
      }
      at += 3 + len;
    }
    return null;
  }

  /** Spec 2.2.2: CRC32c over the whole header with the checksum field taken as zero. */
  private static boolean crcMatches(byte[] h, int field) {
    long sent = ((h[field] & 0xffL) << 24) | ((h[field + 1] & 0xffL) << 16)
        | ((h[field + 2] & 0xffL) << 8) | (h[field + 3] & 0xffL);
    byte[] copy = h.clone();
    copy[field] = 0;
    copy[field + 1] = 0;
    copy[field + 2] = 0;
    copy[field + 3] = 0;
    CRC32C crc = new CRC32C();
    crc.update(copy);
    return crc.getValue() == sent;
  }

  /** PP2_TYPE_SSL's value: client (1), verify (4), then sub-TLVs; null when malformed. */
  static ProxySsl parseSsl(byte[] v, int maxTlvs) {
    if (v.length < 5) {
      return null;
    }
    long verify = ((v[1] & 0xffL) << 24) | ((v[2] & 0xffL) << 16) | ((v[3] & 0xffL) << 8) | (v[4] & 0xffL);
    List<ProxyTlv> subs = new ArrayList<>();
    int at = 5;
    while (at < v.length) {
      if (v.length - at < 3 || subs.size() >= maxTlvs) {
        return null;
      }
      int len = ((v[at + 1] & 0xff) << 8) | (v[at + 2] & 0xff);
      if (len > v.length - at - 3) {
        return null;
      }
      subs.add(new ProxyTlv(v[at] & 0xff, java.util.Arrays.copyOfRange(v, at + 3, at + 3 + len)));
      at += 3 + len;
    }
    return new ProxySsl(v[0] & 0xff, verify, subs);
  }

  private static DecodeFailure fail(String detail) {
    return DecodeFailure.of(ProtocolError.SYNTAX, detail);
  }
}
