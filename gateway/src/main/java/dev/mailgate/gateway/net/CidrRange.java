package dev.mailgate.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address
 * is a single host. Used for the PROXY-protocol trusted networks.
 */
public record CidrRange(byte[] network, int prefixLength) {

  public CidrRange {
    network = network.clone();
    if (prefixLength < 0 || prefixLength > network.length * 8) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
    }
  }

  /** Parses {@code address[/prefix]}; only IP literals, never a host name lookup. */
  public static CidrRange parse(String text) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (!addr.isEmpty() && Character.digit(addr.charAt(0), 16) < 0 && addr.charAt(0) != ':') {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      byte[] bytes = InetAddress.getByName(addr).getAddress();
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      return new CidrRange(bytes, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("bad network: " + text, e);
    }
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CidrRange c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      return "?/" + prefixLength;
    }
  }
}
