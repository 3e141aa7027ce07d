package dev.mailgate.gateway.app;

import dev.mailgate.mailbox.user.UserStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The domains the local mailbox tier owns: {@code local.accepted_domains} plus every domain that
 * has a local user or alias (PRODUCT.md, "The embedded default": provisioning
 * {@code me@example.test} makes {@code example.test} local). The user list is read again at most
 * every {@code ttl}, so {@code mailgate user add} in another process applies within that.
 * Comparisons ignore ASCII case and a trailing dot.
 *
 * <p>Its {@link #isLocal(String)} fits the SMTP server's {@code LocalDomains} interface as a method
 * reference.
 */
public final class LocalDomainIndex {

  private final AtomicReference<Set<String>> accepted = new AtomicReference<>(Set.of());
  private final Mono<Set<String>> userDomains;

  public LocalDomainIndex(UserStore users, List<String> acceptedDomains, Duration ttl) {
    accepted(acceptedDomains);
    this.userDomains = users.list()
        .collect(HashSet<String>::new, (set, u) -> {
          add(set, u.name());
          u.aliases().forEach(a -> add(set, a));
        })
        .<Set<String>>map(Set::copyOf)
        .cache(v -> ttl, e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /** Replaces the configured domains (on reload). */
  public void accepted(List<String> domains) {
    Set<String> s = new HashSet<>();
    domains.forEach(d -> s.add(normalize(d)));
    accepted.set(Set.copyOf(s));
  }

  public Mono<Boolean> isLocal(String domain) {
    String d = normalize(domain);
    if (accepted.get().contains(d)) {
      return Mono.just(true);
    }
    return userDomains.map(set -> set.contains(d));
  }

  /** The domain part of an address, normalized; null without one. */
  public static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at >= 0 && at < address.length() - 1 ? normalize(address.substring(at + 1)) : null;
  }

  private static void add(Set<String> set, String address) {
    String d = domainOf(address);
    if (d != null) {
      set.add(d);
    }
  }

  private static String normalize(String d) {
    String s = d.toLowerCase(Locale.ROOT);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
