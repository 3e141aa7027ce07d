package dev.mailgate.policy.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.internal.SemaphoreBulkhead;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent-session limits per IP, network, listener (taken at connect) and per user and domain
 * (taken at login). A successful acquisition returns a {@link Lease}; closing it (when the session
 * ends, however it ends) gives the slots back, once.
 *
 * <p>Each limit holds one resilience4j {@link Bulkhead} per key (issue 4), a semaphore of
 * {@code max} permits that never waits ({@code maxWaitDuration} zero), in a Caffeine map per limit.
 * That map has no size bound and no expiry on purpose: an entry evicted while sessions hold its
 * permits would let a fresh bulkhead admit {@code max} more. Instead an entry is removed when its
 * last permit is given back, so the map holds one entry per key with open sessions, bounded by the
 * gateway's own connection limit, not by the number of addresses ever seen. Taking and giving back
 * run inside the map's per-key {@code compute}, so removal can never race an acquisition.
 */
public final class ConnectionLimiter {
  private final List<ConnectionLimit> limits;
  private final NetworkPrefixes prefixes;
  private final List<Cidr> exempt;
  /** Per limit (same order as {@link #limits}): scoped key to its bulkhead. */
  private final List<Map<String, Bulkhead>> held;
  private final List<BulkheadConfig> configs;

  public ConnectionLimiter(List<ConnectionLimit> limits, NetworkPrefixes prefixes) {
    this(limits, prefixes, List.of());
  }

  /** @param exempt clients whose connect-time limits (IP, network, listener) are not counted */
  public ConnectionLimiter(List<ConnectionLimit> limits, NetworkPrefixes prefixes,
      List<Cidr> exempt) {
    this.limits = List.copyOf(limits);
    this.prefixes = prefixes;
    this.exempt = List.copyOf(exempt);
    List<Map<String, Bulkhead>> maps = new ArrayList<>();
    List<BulkheadConfig> cs = new ArrayList<>();
    for (ConnectionLimit limit : this.limits) {
      maps.add(Caffeine.newBuilder().<String, Bulkhead>build().asMap());
      cs.add(BulkheadConfig.custom()
          .maxConcurrentCalls(limit.max())
          .maxWaitDuration(Duration.ZERO)
          .writableStackTraceEnabled(false)
          .build());
    }
    this.held = List.copyOf(maps);
    this.configs = List.copyOf(cs);
  }

  /** One permit taken from limit number {@code index} under {@code key}. */
  private record Slot(int index, String key) {}

  /** An acquisition's outcome: a lease to close later, or the refusal. */
  public sealed interface Result {}

  public record Acquired(Lease lease) implements Result {}

  public record Refused(Decision.Deny deny) implements Result {}

  /** Slots held by one session; {@link #close()} is idempotent. */
  public final class Lease implements AutoCloseable {
    private final List<Slot> slots;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(List<Slot> slots) {
      this.slots = List.copyOf(slots);
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        slots.forEach(ConnectionLimiter.this::release);
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
    for (int i = 0; i < limits.size(); i++) {
      ConnectionLimit limit = limits.get(i);
      if (limit.name().equals(limitName)) {
        String key = Keys.of(limit.scope(), facts, prefixes);
        Bulkhead b = key == null ? null : held.get(i).get(key);
        return b == null ? 0 : inUse(b);
      }
    }
    return 0;
  }

  private Result acquire(PolicyFacts facts, boolean userScopes) {
    List<Slot> taken = new ArrayList<>();
    for (int i = 0; i < limits.size(); i++) {
      ConnectionLimit limit = limits.get(i);
      boolean isUserScope = limit.scope() == KeyScope.USER || limit.scope() == KeyScope.DOMAIN;
      if (isUserScope != userScopes) {
        continue;
      }
      String scoped = Keys.of(limit.scope(), facts, prefixes);
      if (scoped == null) {
        continue;
      }
      // Each limit counts in its own map, even when two limits share a scope.
      BulkheadConfig config = configs.get(i);
      boolean[] ok = new boolean[1];
      held.get(i).compute(scoped, (k, b) -> {
        Bulkhead bulkhead = b != null ? b : new SemaphoreBulkhead(limit.name(), config);
        ok[0] = bulkhead.tryAcquirePermission();
        return ok[0] || b != null ? bulkhead : null;
      });
      if (!ok[0]) {
        taken.forEach(this::release);
        return new Refused(new Decision.Deny("more than " + limit.max() + " concurrent sessions"
            + " per " + limit.scope().configName(), limit.name(), DenyKind.TOO_MANY_CONNECTIONS));
      }
      taken.add(new Slot(i, scoped));
    }
    return new Acquired(new Lease(taken));
  }

  /** Gives one permit back; the entry goes with its last permit. */
  private void release(Slot slot) {
    held.get(slot.index()).computeIfPresent(slot.key(), (k, b) -> {
      b.releasePermission();
      return inUse(b) == 0 ? null : b;
    });
  }

  private static int inUse(Bulkhead b) {
    Bulkhead.Metrics m = b.getMetrics();
    return m.getMaxAllowedConcurrentCalls() - m.getAvailableConcurrentCalls();
  }

  /** Keys with open sessions, summed over the limits (for metrics and tests). */
  public int keys() {
    int n = 0;
    for (Map<String, Bulkhead> m : held) {
      n += m.size();
    }
    return n;
  }
}
