package dev.mailgate.gateway.cluster;

import dev.mailgate.gateway.admin.RoutingCache;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Mono;

/**
 * Routing-cache invalidation for every node: {@code POST /routing/invalidate} on one node drops
 * its own cached routes at once, then {@code PUBLISH}es the invalidation on the channel
 * {@code <prefix>routing-invalidate}; every node (this one too, harmlessly) is subscribed and
 * drops the same entries when the message arrives. Messages are {@code *} (all) or
 * {@code user <name>}.
 *
 * <p>Pub/sub delivers only to nodes connected at that moment: a node that was cut off from Redis
 * misses the message and keeps its entries until their TTL (the lookup's {@code cache_ttl}), so
 * the TTL bounds staleness in every case. The answer to the admin call says whether the publish
 * reached Redis, with how many nodes received it.
 */
final class RoutingBroadcast implements RoutingCache, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingBroadcast.class);
  private static final String ALL = "*";
  private static final String USER = "user ";
  /** Invalidation messages waiting to be applied before the oldest are dropped. */
  static final int BACKLOG = 1024;

  private final RoutingCache local;
  private final StatefulRedisConnection<String, String> commands;
  private final String channel;
  private final Duration timeout;
  private final Disposable subscription;
  private volatile boolean overflowed;

  RoutingBroadcast(RoutingCache local, StatefulRedisConnection<String, String> commands,
      StatefulRedisPubSubConnection<String, String> pubsub, String prefix, Duration timeout) {
    this.local = local;
    this.commands = commands;
    this.channel = prefix + "routing-invalidate";
    this.timeout = timeout;
    // one subscription for the node's lifetime; each message is applied to the local caches
    this.subscription = pubsub.reactive().observeChannels()
        .filter(m -> m.getChannel().equals(channel))
        // applying one is a map removal, so a backlog means something is badly wrong: then drop
        // the oldest and, to stay safe, everything cached (lookups are asked again)
        .onBackpressureBuffer(BACKLOG, dropped -> overflowed = true,
            BufferOverflowStrategy.DROP_OLDEST)
        .map(m -> {
          if (overflowed) {
            overflowed = false;
            return ALL;
          }
          return m.getMessage();
        })
        .concatMap(m -> apply(m).onErrorResume(e -> {
          LOG.warn("routing invalidation '{}' from another node failed: {}", m, e.toString());
          return Mono.empty();
        }))
        .subscribe();
    pubsub.reactive().subscribe(channel).block(timeout.multipliedBy(20));
  }

  private Mono<Void> apply(String message) {
    if (message.equals(ALL)) {
      return local.invalidateAll();
    }
    if (message.startsWith(USER)) {
      return local.invalidateUser(message.substring(USER.length()));
    }
    LOG.warn("unknown routing invalidation message ignored ({} bytes)", message.length());
    return Mono.empty();
  }

  @Override
  public Mono<Void> invalidateAll() {
    return local.invalidateAll().then(publish(ALL));
  }

  @Override
  public Mono<Void> invalidateUser(String user) {
    return local.invalidateUser(user).then(publish(USER + user));
  }

  private Mono<Void> publish(String message) {
    return commands.reactive().publish(channel, message).timeout(timeout)
        .doOnNext(n -> LOG.info("routing invalidation published to {} node(s)", n))
        .then();
  }

  @Override
  public void close() {
    subscription.dispose();
  }
}
