package dev.mailgate.policy.shared;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.Keys;
import dev.mailgate.policy.limit.NetworkPrefixes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The per-user and per-domain concurrent-session limits ({@code connection_limits} with
 * {@code per: user} or {@code per: domain}) counted across the cluster: each session that logs in
 * takes a slot in {@link SharedCounters} under the limit's key, and gives it back when it ends.
 * The node's own {@link dev.mailgate.policy.limit.ConnectionLimiter} is asked first, as before, so
 * the shared count only ever refuses more.
 *
 * <p>A slot lapses {@link #SLOT_TTL} after it was last renewed; the gateway calls
 * {@link #renewAll()} every {@link #RENEW_EVERY} for the slots its live sessions hold, so the
 * slots of a node that crashed free themselves within {@link #SLOT_TTL}. When the store does not
 * answer, the login goes on with the node's own limit only ({@code failClosed} false) or is
 * refused as over the limit.
 */
public final class SharedSessionLimits {
  /** How long a slot outlives its last renewal. */
  public static final Duration SLOT_TTL = Duration.ofSeconds(90);
  /** How often the gateway renews the slots of live sessions. */
  public static final Duration RENEW_EVERY = Duration.ofSeconds(30);

  private final SharedCounters counters;
  private final SharedOptions options;
  /** Live slots of this node: store key to lease ids. */
  private final Map<String, Set<String>> live = new ConcurrentHashMap<>();

  SharedSessionLimits(SharedCounters counters, SharedOptions options) {
    this.counters = counters;
    this.options = options;
  }

  /** The shared slots one session holds; {@link #close()} gives them back, once. */
  public final class Slots implements AutoCloseable {
    private final List<String> keys;
    private final String lease;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slots(List<String> keys, String lease) {
      this.keys = List.copyOf(keys);
      this.lease = lease;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        keys.forEach(k -> release(k, lease));
      }
    }
  }

  /** A login's outcome: the slots taken, or the refusal (and nothing held). */
  public record Outcome(Slots slots, Decision.Deny deny) {}

  /**
   * Takes a slot for every user- and domain-scoped limit in {@code limits} that applies to the
   * logged-in {@code facts}; on the first refusal gives back those taken.
   */
  public Mono<Outcome> onLogin(List<ConnectionLimit> limits, NetworkPrefixes prefixes,
      PolicyFacts facts) {
    String lease = UUID.randomUUID().toString();
    List<ConnectionLimit> applicable = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (ConnectionLimit l : limits) {
      if (l.scope() == KeyScope.USER || l.scope() == KeyScope.DOMAIN) {
        String k = Keys.of(l.scope(), facts, prefixes);
        if (k != null) {
          applicable.add(l);
          keys.add("sessions:" + l.name() + ":" + k);
        }
      }
    }
    List<String> taken = new ArrayList<>();
    return Flux.range(0, applicable.size())
        .concatMap(i -> acquire(keys.get(i), lease, applicable.get(i))
            .map(ok -> {
              if (ok) {
                taken.add(keys.get(i));
                return Boolean.TRUE;
              }
              return Boolean.FALSE;
            })
            .map(ok -> ok ? Decision.ALLOW : (Decision) deny(applicable.get(i))))
        .takeUntil(d -> d instanceof Decision.Deny)
        .last(Decision.ALLOW)
        .map(d -> {
          if (d instanceof Decision.Deny deny) {
            taken.forEach(k -> release(k, lease));
            return new Outcome(null, deny);
          }
          return new Outcome(new Slots(taken, lease), null);
        });
  }

  /** One slot; true also when the store is down and the node's own limit is to decide. */
  private Mono<Boolean> acquire(String key, String lease, ConnectionLimit limit) {
    return counters.acquireSession(key, lease, limit.max(), SLOT_TTL)
        .timeout(options.timeout())
        .doOnNext(ok -> {
          if (ok) {
            live.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(lease);
          }
        })
        .onErrorResume(e -> Mono.fromSupplier(() -> {
          options.onUnavailable().accept(limit.name());
          return !options.failClosed();
        }));
  }

  private void release(String key, String lease) {
    live.computeIfPresent(key, (k, leases) -> {
      leases.remove(lease);
      return leases.isEmpty() ? null : leases;
    });
    counters.releaseSession(key, lease);
  }

  private static Decision.Deny deny(ConnectionLimit l) {
    return new Decision.Deny("more than " + l.max() + " concurrent sessions per "
        + l.scope().configName() + " in the cluster", l.name(), DenyKind.TOO_MANY_CONNECTIONS);
  }

  /** Renews every slot this node's live sessions hold (the gateway calls it periodically). */
  public void renewAll() {
    live.forEach((key, leases) -> {
      if (!leases.isEmpty()) {
        counters.renewSessions(key, List.copyOf(leases), SLOT_TTL);
      }
    });
  }

  /** Slots this node holds (for tests and metrics). */
  public int liveSlots() {
    return live.values().stream().mapToInt(Set::size).sum();
  }
}
