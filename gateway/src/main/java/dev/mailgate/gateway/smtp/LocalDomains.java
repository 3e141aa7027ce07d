package dev.mailgate.gateway.smtp;

import dev.mailgate.mailbox.user.UserStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Which domains the local mailbox tier owns. PRODUCT.md: "every domain that has a local user is a
 * local domain". A recipient in a local domain is delivered locally or refused with
 * {@code 550 5.1.1}; any other domain is a relay.
 */
@FunctionalInterface
public interface LocalDomains {

  /** Whether {@code domain} (lower case, no trailing dot) is local. */
  Mono<Boolean> isLocal(String domain);

  /** A fixed set or any other synchronous predicate. */
  static LocalDomains of(Predicate<String> predicate) {
    return d -> Mono.just(predicate.test(d));
  }

  /**
   * The domains of the user store's user names and aliases, re-read at most every {@code ttl} so
   * that {@code mailgate user add} takes effect quickly while a busy listener does not list the
   * users for every recipient.
   */
  static LocalDomains ofUsers(UserStore users, Duration ttl) {
    Mono<Set<String>> domains = users.list()
        .flatMapIterable(u -> {
          Set<String> out = new HashSet<>();
          add(out, u.name());
          u.aliases().forEach(a -> add(out, a));
          return out;
        })
        .collect(HashSet<String>::new, Set::add)
        .map(Set::copyOf);
    Mono<Set<String>> cached = domains.cache(v -> ttl, e -> Duration.ZERO, () -> Duration.ZERO);
    return d -> cached.map(set -> set.contains(d));
  }

  private static void add(Set<String> out, String address) {
    int at = address.lastIndexOf('@');
    if (at >= 0 && at < address.length() - 1) {
      out.add(address.substring(at + 1).toLowerCase(Locale.ROOT));
    }
  }
}
