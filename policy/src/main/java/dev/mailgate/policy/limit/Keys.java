package dev.mailgate.policy.limit;

import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.net.Cidr;
import java.util.Locale;

/**
 * Turns facts into the key a limit counts under. Keys carry a one-letter scope prefix so that one
 * map could hold several scopes without collisions. Null when the facts lack the scope's value
 * (no user before login), in which case the limit does not apply yet.
 */
public final class Keys {
  private Keys() {}

  public static String of(KeyScope scope, PolicyFacts f, NetworkPrefixes prefixes) {
    return switch (scope) {
      case IP -> "i:" + f.clientIp().getHostAddress();
      case NETWORK -> {
        int prefix = f.clientIp().getAddress().length == 4 ? prefixes.ipv4() : prefixes.ipv6();
        yield "n:" + Cidr.of(f.clientIp(), prefix);
      }
      case USER -> f.user() == null ? null : "u:" + f.user().toLowerCase(Locale.ROOT);
      case DOMAIN -> f.userDomain() == null ? null : "d:" + f.userDomain();
      case LISTENER -> "l:" + f.listener();
    };
  }
}
