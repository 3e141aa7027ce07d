package dev.mailgate.policy.limit;

/**
 * What a limit counts per: one client address, the client's network (IPv4 /24, IPv6 /64 by
 * default), the user, the user's domain, or the listener as a whole.
 */
public enum KeyScope {
  IP,
  NETWORK,
  USER,
  DOMAIN,
  LISTENER;

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
