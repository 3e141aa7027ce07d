package dev.mailgate.gateway.cluster;

import dev.mailgate.config.model.ClusterConfig;
import dev.mailgate.gateway.admin.RoutingCache;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.shared.SharedOptions;
import dev.mailgate.policy.shared.SharedPolicies;
import dev.mailgate.policy.shared.SharedSessionLimits;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node shares with the others ({@code cluster:}; docs/scale-out.md). Standalone (no
 * Redis configured), it builds plain policy engines and leaves the routing cache local. With Redis
 * it opens two connections (commands, and pub/sub, which Redis keeps apart), builds engines whose
 * rate limits and login throttling count in Redis ({@link RedisCounters}), and broadcasts
 * routing-cache invalidation ({@link RoutingBroadcast}).
 *
 * <p>Redis must answer at startup and take the password (a misconfigured URI or password fails
 * fast, saying which: {@link RedisLoginCheck}). Later outages are survived:
 * the client reconnects by itself, commands issued while it is disconnected fail at once rather
 * than queue, and each policy check that cannot reach Redis falls back as configured
 * ({@code when_unavailable}) and counts {@code mailgate.cluster.redis.unavailable{rule}}.
 */
public final class Cluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  public static final String UNAVAILABLE_METRIC = "mailgate.cluster.redis.unavailable";
  /** Longest wait for a connection to Redis (at startup, and each reconnection attempt). */
  static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);
  /**
   * Commands that may wait on the node's connection for Redis (Lettuce's default is unbounded);
   * beyond it a command fails at once and the policy check falls back, as for an outage.
   */
  static final int REQUEST_QUEUE = 10_000;

  private final ClusterConfig config;
  private final MeterRegistry registry;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private RedisClient client;
  private StatefulRedisConnection<String, String> commands;
  private StatefulRedisPubSubConnection<String, String> pubsub;
  private SharedPolicies shared;

  private Cluster(ClusterConfig config, MeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  /** Connects to the configured Redis, if any; throws when it cannot be reached. */
  public static Cluster start(ClusterConfig config, MeterRegistry registry) {
    Cluster c = new Cluster(config, registry);
    if (config.redis().isPresent()) {
      try {
        c.connect(config.redis().get());
      } catch (RuntimeException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  private void connect(ClusterConfig.Redis r) {
    RedisURI uri = RedisURI.create(r.uri());
    // connecting (TCP, then AUTH) may take longer than a policy check may wait
    uri.setTimeout(CONNECT_TIMEOUT);
    String address = RedisLoginCheck.address(uri);
    client = RedisClient.create(uri);
    // no quiet period: nothing of ours runs on its threads once the connections are closed
    resources.add(() -> client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2)));
    RedisLoginCheck.verify(client.getResources(), uri, r.password(), CONNECT_TIMEOUT);
    if (!r.password().isEmpty()) {
      uri.setAuthentication(r.password().toCharArray());
    }
    client.setOptions(ClientOptions.builder()
        // RESP2: no HELLO; its handshake raced lettuce's error reporting (RedisLoginCheck), and
        // nothing here needs RESP3 (pub/sub has its own connection)
        .protocolVersion(ProtocolVersion.RESP2)
        .autoReconnect(true)
        // fail fast while disconnected: a policy check falls back instead of waiting in a queue
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE)
        .timeoutOptions(TimeoutOptions.enabled(r.timeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT)
            .keepAlive(true).build())
        .build());
    try {
      commands = client.connect();
      resources.add(commands::close);
      pubsub = client.connectPubSub();
      resources.add(pubsub::close);
    } catch (RuntimeException e) {
      // the password changed since RedisLoginCheck asked: still say so plainly
      throw RedisLoginCheck.refusal(address, e).map(RuntimeException.class::cast).orElse(e);
    }
    String prefix = r.keyPrefix();
    shared = new SharedPolicies(new RedisCounters(commands, prefix),
        new SharedOptions(r.timeout(), r.whenUnavailable() == ClusterConfig.WhenUnavailable.DENY,
            this::unavailable));
    // the session slots of this node's live sessions lapse unless renewed (a crashed node's do)
    var renewal = reactor.core.publisher.Flux.interval(SharedSessionLimits.RENEW_EVERY)
        .subscribe(t -> shared.sessions().renewAll());
    resources.add(renewal::dispose);
    LOG.info("cluster: node {}, shared counters and routing invalidation in Redis at {}"
        + " (when unavailable: {})", config.nodeId(), address,
        r.whenUnavailable().name().toLowerCase(java.util.Locale.ROOT));
  }

  private void unavailable(String rule) {
    Counter.builder(UNAVAILABLE_METRIC).tag("rule", rule)
        .description("policy checks decided without Redis (it did not answer in time)")
        .register(registry).increment();
  }

  /** Whether counters are shared (a Redis is configured). */
  public boolean shared() {
    return shared != null;
  }

  /** A policy engine for {@code settings}: shared counters when clustered, else the node's own. */
  public PolicyEngine policyEngine(PolicySettings settings) {
    return shared == null ? PolicyEngine.create(settings)
        : PolicyEngine.create(settings, shared);
  }

  /** The admin API's routing cache: {@code local}, broadcast to every node when clustered. */
  public RoutingCache routingCache(RoutingCache local) {
    if (shared == null) {
      return local;
    }
    RoutingBroadcast b = new RoutingBroadcast(local, commands, pubsub,
        config.redis().orElseThrow().keyPrefix(), config.redis().orElseThrow().timeout());
    resources.add(b);
    return b;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }
}
