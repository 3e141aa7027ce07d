package dev.mailgate.policy.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation (RFC 4632, RFC 4291 section 2.3). A bare address is a
 * network of one host. IPv4-mapped IPv6 addresses are matched as the IPv4 address they carry
 * (Java already presents {@code ::ffff:a.b.c.d} as an {@link java.net.Inet4Address}).
 */
public final class Cidr {
  /** 127.0.0.0/8 and ::1/128: the default for everything that must stay on the machine. */
  public static final List<Cidr> LOOPBACK = List.of(parse("127.0.0.0/8"), parse("::1/128"));

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code x::y/n} or a bare address.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    InetAddress address = IpLiterals.parse(addr)
        .orElseThrow(() -> new IllegalArgumentException("not an IP address: '" + addr + "'"));
    byte[] bytes = address.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      try {
        prefix = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length '" + p + "' in '" + text + "'");
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(
            "prefix length " + prefix + " out of range 0.." + max + " in '" + text + "'");
      }
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  /** The network of the given prefix length that contains {@code address}. */
  public static Cidr of(InetAddress address, int prefix) {
    byte[] bytes = address.getAddress();
    int p = Math.min(prefix, bytes.length * 8);
    return new Cidr(mask(bytes, p), p);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xFF << (8 - bitsHere)));
    }
    return out;
  }

  /** True when {@code address} is inside this network (never across address families). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int m = 0xFF << (8 - rest);
    return (a[full] & m) == (network[full] & m);
  }

  /** True when any of {@code networks} contains {@code address}. */
  public static boolean anyContains(List<Cidr> networks, InetAddress address) {
    for (Cidr c : networks) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public int prefix() {
    return prefix;
  }

  public boolean isIpv6() {
    return network.length == 16;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
