package dev.mailgate.policy.limit;

import dev.mailgate.policy.net.Cidr;
import java.util.List;

/**
 * Which clients may connect at all: a client in {@code deny} is refused; when {@code allow} is
 * not empty, only clients in it are accepted. Deny wins over allow.
 */
public record NetworkRules(List<Cidr> allow, List<Cidr> deny) {
  public static final NetworkRules OPEN = new NetworkRules(List.of(), List.of());

  public NetworkRules {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }
}
