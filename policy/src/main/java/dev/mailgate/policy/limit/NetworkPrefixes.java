package dev.mailgate.policy.limit;

/** The prefix lengths that make a client's "network" key: /24 and /64 by default. */
public record NetworkPrefixes(int ipv4, int ipv6) {
  public static final NetworkPrefixes DEFAULT = new NetworkPrefixes(24, 64);

  public NetworkPrefixes {
    if (ipv4 < 0 || ipv4 > 32 || ipv6 < 0 || ipv6 > 128) {
      throw new IllegalArgumentException("prefix out of range");
    }
  }
}
