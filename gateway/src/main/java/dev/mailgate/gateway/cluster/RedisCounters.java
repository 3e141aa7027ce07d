package dev.mailgate.gateway.cluster;

import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.shared.SharedCounters;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Collection;
import java.time.temporal.ChronoUnit;
import reactor.core.publisher.Mono;

/**
 * {@link SharedCounters} in Redis: a rate-limit charge is one {@code gcra.lua}, a failed login one
 * {@code auth-failure.lua}, a login check one {@code MGET}, a success one {@code DEL}, a session
 * slot one {@code session-acquire.lua} (renewed by {@code session-renew.lua}, given back by
 * {@code ZREM}); each is atomic on the server. Keys start with the configured prefix, then {@code rate:RULE:KEY} or
 * {@code auth:ip|user|pair|lock:...}; every key expires by itself (a bucket when it would be full
 * again, failures {@code forget_after} after the last one), so Redis holds only live state.
 *
 * <p>All commands go over one connection, in order; passwords never reach Redis, only the 64-bit
 * keyed fingerprints the local throttle keeps.
 */
final class RedisCounters implements SharedCounters {
  /** Fingerprints remembered per key, as the local throttle's ring. */
  static final int FINGERPRINTS_PER_KEY = 8;

  private static final LuaScript GCRA = LuaScript.resource("gcra.lua");
  private static final LuaScript AUTH_FAILURE = LuaScript.resource("auth-failure.lua");
  private static final LuaScript SESSION_ACQUIRE = LuaScript.resource("session-acquire.lua");
  private static final LuaScript SESSION_RENEW = LuaScript.resource("session-renew.lua");

  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;

  RedisCounters(StatefulRedisConnection<String, String> connection, String prefix) {
    this.connection = connection;
    this.prefix = prefix;
  }

  @Override
  public Mono<Duration> acquire(String key, Rate rate, long cost) {
    long interval = Math.max(1, rate.nanosPerPermit() / 1000);
    long window = rate.period().toNanos() / 1000;
    return GCRA.run(connection, new String[] {prefix + key}, Long.toString(interval),
        Long.toString(window), Long.toString(cost))
        .map(micros -> Duration.of(micros, ChronoUnit.MICROS));
  }

  @Override
  public Mono<AuthRecord> authRecord(String ip, String user) {
    return connection.reactive().mget(lock(ip, user), count("ip", ip), count("user", user))
        .map(kv -> kv.hasValue() ? kv.getValue() : "").collectList()
        .map(v -> new AuthRecord(!v.get(0).isEmpty(), number(v.get(1)), number(v.get(2))));
  }

  @Override
  public void recordAuthFailure(String ip, String user, long ipFingerprint, long userFingerprint,
      AuthThrottleSettings s) {
    String pair = pair(ip, user);
    AUTH_FAILURE.send(connection, new String[] {count("ip", ip), seen("ip", ip),
        count("user", user), seen("user", user), count("pair", pair), seen("pair", pair),
        lock(ip, user)},
        Long.toString(ipFingerprint), Long.toString(userFingerprint),
        Long.toString(s.forgetAfter().toMillis()), Integer.toString(s.lockoutAfter()),
        Long.toString(s.lockoutFor().toMillis()), Integer.toString(FINGERPRINTS_PER_KEY));
  }

  @Override
  public void recordAuthSuccess(String ip, String user) {
    String pair = pair(ip, user);
    connection.async().del(count("ip", ip), seen("ip", ip), count("pair", pair),
        seen("pair", pair), lock(ip, user));
  }

  @Override
  public Mono<Boolean> acquireSession(String key, String lease, int max, Duration ttl) {
    return SESSION_ACQUIRE.run(connection, new String[] {prefix + key}, lease,
        Integer.toString(max), Long.toString(ttl.toMillis())).map(taken -> taken == 1L);
  }

  @Override
  public void releaseSession(String key, String lease) {
    connection.async().zrem(prefix + key, lease);
  }

  @Override
  public void renewSessions(String key, Collection<String> leases, Duration ttl) {
    String[] args = new String[leases.size() + 1];
    args[0] = Long.toString(ttl.toMillis());
    int i = 1;
    for (String l : leases) {
      args[i++] = l;
    }
    SESSION_RENEW.send(connection, new String[] {prefix + key}, args);
  }

  private static int number(String v) {
    return v.isEmpty() ? 0 : (int) Math.min(Integer.MAX_VALUE, Long.parseLong(v));
  }

  /** The user goes first and the address last, so the pair splits unambiguously. */
  private static String pair(String ip, String user) {
    return user + "|" + ip;
  }

  private String count(String kind, String key) {
    return prefix + "auth:" + kind + ":" + key + ":n";
  }

  private String seen(String kind, String key) {
    return prefix + "auth:" + kind + ":" + key + ":seen";
  }

  /** The lockout flag of a (user, address) pair; its own key, so it expires on its own. */
  String lock(String ip, String user) {
    return prefix + "auth:lock:" + pair(ip, user);
  }
}
