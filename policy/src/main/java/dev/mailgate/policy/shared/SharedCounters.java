package dev.mailgate.policy.shared;

import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Counters that every gateway node of a cluster shares (DESIGN.md "Beyond one machine"): the
 * store behind {@link SharedRateLimitPolicy} and {@link SharedAuthThrottle}. The gateway's
 * implementation keeps them in Redis, each update one atomic script. Every method is
 * non-blocking; a store that cannot answer fails the Mono, and the policies fall back.
 */
public interface SharedCounters {

  /**
   * Takes {@code cost} permits of {@code rate} under {@code key} (a token bucket in GCRA form on
   * the store's own clock, as {@link dev.mailgate.policy.limit.KeyedRateLimiter} does per node).
   *
   * @return {@link Duration#ZERO} when taken, else how long until they would be
   */
  Mono<Duration> acquire(String key, Rate rate, long cost);

  /** What the cluster knows of a login attempt by {@code user} from {@code ip}. */
  Mono<AuthRecord> authRecord(String ip, String user);

  /**
   * Records a failed login; does not wait for the answer. The update is sent before this returns,
   * on the node's one connection, so this node's next {@link #authRecord} sees it.
   *
   * @param ipFingerprint what makes a failure distinct per address (the user and the password)
   * @param userFingerprint what makes it distinct per user and per (user, address): the password
   */
  void recordAuthFailure(String ip, String user, long ipFingerprint, long userFingerprint,
      AuthThrottleSettings settings);

  /** Clears the address's and the (user, address) pair's failures; does not wait. */
  void recordAuthSuccess(String ip, String user);

  /**
   * Takes one of {@code max} session slots under {@code key} for {@code lease}, unless {@code max}
   * are held already. A slot lapses {@code ttl} after it was taken or last {@linkplain
   * #renewSessions renewed}, so the slots of a node that died free themselves.
   *
   * @return true when taken
   */
  Mono<Boolean> acquireSession(String key, String lease, int max, Duration ttl);

  /** Gives a slot back; does not wait. */
  void releaseSession(String key, String lease);

  /** Extends the given slots of {@code key} by {@code ttl} from now; does not wait. */
  void renewSessions(String key, java.util.Collection<String> leases, Duration ttl);

  /**
   * @param pairLocked the (user, address) pair is locked out now
   * @param ipFailures distinct failures from the address not yet forgotten
   * @param userFailures distinct failures of the user not yet forgotten
   */
  record AuthRecord(boolean pairLocked, int ipFailures, int userFailures) {}
}
