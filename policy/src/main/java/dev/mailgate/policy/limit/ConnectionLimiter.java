package dev.mailgate.policy.limit;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent-session limits per IP, network, listener (taken at connect) and per user and domain
 * (taken at login). A successful acquisition returns a {@link Lease}; closing it (when the session
 * ends, however it ends) gives the slots back, once.
 *
 * <p>Counts live in a map whose entries are removed when they drop to zero, so memory follows the
 * number of open sessions, not the number of addresses ever seen. (A Caffeine map with expiry
 * would be wrong here: an entry evicted while sessions hold it would let the limit be exceeded.)
 */
public final class ConnectionLimiter {
  private final List<ConnectionLimit> limits;
  private final NetworkPrefixes prefixes;
  private final List<Cidr> exempt;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  public ConnectionLimiter(List<ConnectionLimit> limits, NetworkPrefixes prefixes) {
    this(limits, prefixes, List.of());
  }

  /** @param exempt clients whose connect-time limits (IP, network, listener) are not counted */
  public ConnectionLimiter(List<ConnectionLimit> limits, NetworkPrefixes prefixes,
      List<Cidr> exempt) {
    this.limits = List.copyOf(limits);
    this.prefixes = prefixes;
    this.exempt = List.copyOf(exempt);
  }

  /** An acquisition's outcome: a lease to close later, or the refusal. */
  public sealed interface Result {}

  public record Acquired(Lease lease) implements Result {}

  public record Refused(Decision.Deny deny) implements Result {}

  /** Slots held by one session; {@link #close()} is idempotent. */
  public final class Lease implements AutoCloseable {
    private final List<String> keys;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(List<String> keys) {
      this.keys = List.copyOf(keys);
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        keys.forEach(ConnectionLimiter.this::release);
      }
    }
  }

  /** At connect: the IP, network and listener limits. */
  public Result onConnect(PolicyFacts facts) {
    if (!exempt.isEmpty() && Cidr.anyContains(exempt, facts.clientIp())) {
      return new Acquired(new Lease(List.of()));
    }
    return acquire(facts, false);
  }

  /** After login: the user and domain limits. */
  public Result onLogin(PolicyFacts facts) {
    return acquire(facts, true);
  }

  /** Open sessions counted by the limit named {@code limitName} for these facts (0 when none). */
  public int count(String limitName, PolicyFacts facts) {
    for (ConnectionLimit limit : limits) {
      if (limit.name().equals(limitName)) {
        String key = Keys.of(limit.scope(), facts, prefixes);
        return key == null ? 0 : counts.getOrDefault(limit.name() + "|" + key, 0);
      }
    }
    return 0;
  }

  private Result acquire(PolicyFacts facts, boolean userScopes) {
    List<String> taken = new ArrayList<>();
    for (ConnectionLimit limit : limits) {
      boolean isUserScope = limit.scope() == KeyScope.USER || limit.scope() == KeyScope.DOMAIN;
      if (isUserScope != userScopes) {
        continue;
      }
      String scoped = Keys.of(limit.scope(), facts, prefixes);
      if (scoped == null) {
        continue;
      }
      // Each limit counts on its own, even when two limits share a scope.
      String key = limit.name() + "|" + scoped;
      boolean[] ok = new boolean[1];
      counts.compute(key, (k, v) -> {
        int n = v == null ? 0 : v;
        ok[0] = n < limit.max();
        return ok[0] ? n + 1 : v;
      });
      if (!ok[0]) {
        taken.forEach(this::release);
        return new Refused(new Decision.Deny("more than " + limit.max() + " concurrent sessions"
            + " per " + limit.scope().configName(), limit.name(), DenyKind.TOO_MANY_CONNECTIONS));
      }
      taken.add(key);
    }
    return new Acquired(new Lease(taken));
  }

  private void release(String key) {
    counts.computeIfPresent(Objects.requireNonNull(key), (k, v) -> v <= 1 ? null : v - 1);
  }

  /** Keys with open sessions (for metrics and tests). */
  public int keys() {
    return counts.size();
  }
}
