package dev.mailgate.policy.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.PasswordFingerprint;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Authentication failure throttling after Dovecot's auth penalty (DESIGN.md, "Policies").
 *
 * <ul>
 *   <li>Per client address: after n distinct failures, each attempt first waits
 *       {@code initialDelay * 2^(n-1)}, capped at {@code maxDelay}.
 *   <li>Identical repeated failures (same user, same password: a phone with an old password) count
 *       once. Only a keyed 64-bit {@link PasswordFingerprint} of the tried password is kept, in a
 *       small ring per key; never the password.
 *   <li>Lockout is per (user, address): after {@code lockoutAfter} distinct failures that pair is
 *       refused for {@code lockoutFor}. Failures from elsewhere only slow the user down (the same
 *       growing delay, counted per user), so an attacker cannot lock the real user out.
 *   <li>A success clears the address's and the pair's record. Everything is forgotten
 *       {@code forgetAfter} after the last failure, and each map holds at most {@code maxKeys}.
 * </ul>
 *
 * <p>Usage: {@code check(facts.withAuthAttempt(user, tls))} before verifying, then
 * {@link #recordFailure} or {@link #recordSuccess} with the outcome.
 */
public final class AuthThrottle implements SyncPolicy, AuthOutcomes {
  private static final int RING = 8;

  /**
   * Distinct-failure bookkeeping for one key. Guarded by its own monitor. The ring of recent
   * fingerprints is allocated at the second distinct failure: most keys of a wide brute force
   * (one try per address) never need it, and a million of them then cost 80 bytes less each.
   */
  private static final class Failures {
    private long first;
    private long[] seen;
    private int size;
    private int next;
    private int count;
    private long lockedUntil = Long.MIN_VALUE;
    private boolean locked;

    /** Counts the failure unless this fingerprint failed here recently; returns the count. */
    synchronized int fail(long fingerprint) {
      if (size == 0) {
        first = fingerprint;
        size = 1;
        return ++count;
      }
      if (seen == null) {
        if (first == fingerprint) {
          return count;
        }
        seen = new long[RING];
        seen[0] = first;
        next = 1;
      }
      for (int i = 0; i < size; i++) {
        if (seen[i] == fingerprint) {
          return count;
        }
      }
      seen[next] = fingerprint;
      next = (next + 1) % RING;
      size = Math.min(size + 1, RING);
      return ++count;
    }

    synchronized int count() {
      return count;
    }
  }

  private final String name;
  private final AuthThrottleSettings settings;
  private final Ticker ticker;
  private final Cache<String, Failures> byIp;
  private final Cache<String, Failures> byUser;
  private final Cache<String, Failures> byPair;

  public AuthThrottle(String name, AuthThrottleSettings settings, long maxKeys, Ticker ticker,
      Executor maintenance) {
    this.name = name;
    this.settings = settings;
    this.ticker = ticker;
    this.byIp = cache(maxKeys, settings.forgetAfter(), ticker, maintenance);
    this.byUser = cache(maxKeys, settings.forgetAfter(), ticker, maintenance);
    // A lockout must outlive its own forgetting window.
    Duration pairTtl = settings.forgetAfter().compareTo(settings.lockoutFor()) > 0
        ? settings.forgetAfter() : settings.lockoutFor();
    this.byPair = cache(maxKeys, pairTtl, ticker, maintenance);
  }

  private static Cache<String, Failures> cache(long maxKeys, Duration ttl, Ticker ticker,
      Executor maintenance) {
    return Caffeine.newBuilder().ticker(ticker).executor(maintenance).maximumSize(maxKeys)
        .expireAfterWrite(ttl).build();
  }

  @Override
  public String name() {
    return name;
  }

  /** The per-address key of a failure record. */
  public static String ip(PolicyFacts f) {
    return f.clientIp().getHostAddress();
  }

  /** The per-user key of a failure record (case-insensitive). */
  public static String user(PolicyFacts f) {
    return f.user() == null ? "" : f.user().toLowerCase(Locale.ROOT);
  }

  private static String pair(PolicyFacts f) {
    return user(f) + "\0" + ip(f);
  }

  /** The synchronous decision at AUTH: Deny when the pair is locked out, else Delay or Allow. */
  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.AUTH) {
      return Decision.ALLOW;
    }
    Decision locked = lockout(facts);
    if (locked.isDeny()) {
      return locked;
    }
    int n = Math.max(count(byIp, ip(facts)), count(byUser, user(facts)));
    Duration d = delayFor(n);
    return d.isZero() ? Decision.ALLOW : new Decision.Delay(d, name);
  }

  /**
   * Deny when the (user, address) pair of {@code facts} is locked out now, else ALLOW; charges
   * nothing. Asked again after the delay, immediately before the credentials are verified: logins
   * admitted in parallel before the lockout came must not be checked once it holds.
   */
  public Decision lockout(PolicyFacts facts) {
    Failures p = byPair.getIfPresent(pair(facts));
    if (p != null) {
      synchronized (p) {
        if (p.locked && ticker.read() - p.lockedUntil < 0) {
          return new Decision.Deny("too many failed logins for this user from this address",
              name, DenyKind.AUTH_THROTTLED);
        }
      }
    }
    return Decision.ALLOW;
  }

  private static int count(Cache<String, Failures> cache, String key) {
    Failures f = cache.getIfPresent(key);
    return f == null ? 0 : f.count();
  }

  public AuthThrottleSettings settings() {
    return settings;
  }

  /** {@code initialDelay * 2^(n-1)} capped at {@code maxDelay}; zero for no failures. */
  public Duration delayFor(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long initial = settings.initialDelay().toNanos();
    long max = settings.maxDelay().toNanos();
    int shift = Math.min(failures - 1, 62);
    long d = initial > (max >> shift) ? max : initial << shift;
    return Duration.ofNanos(Math.min(d, max));
  }

  /**
   * Records a failed login of {@code facts.user()} from {@code facts.clientIp()} with
   * {@code password} (used only to compute its fingerprint; the caller should wipe it).
   */
  public void recordFailure(PolicyFacts facts, CharSequence password) {
    recordFailure(facts, PasswordFingerprint.of(password == null ? "" : password));
  }

  /**
   * Records a failed login with the tried password's {@link PasswordFingerprint}, for callers
   * that must wipe the password before the outcome is known.
   */
  @Override
  public void recordFailure(PolicyFacts facts, long fp) {
    // Per address, "the same failure" is the same user with the same password.
    fail(byIp, ip(facts), fp * 31 + user(facts).hashCode());
    fail(byUser, user(facts), fp);
    Failures p = byPair.get(pair(facts), k -> new Failures());
    int n = p.fail(fp);
    if (n >= settings.lockoutAfter()) {
      synchronized (p) {
        if (!p.locked) {
          p.locked = true;
          p.lockedUntil = ticker.read() + settings.lockoutFor().toNanos();
        }
      }
    }
    byPair.put(pair(facts), p); // a write: the entry now lives a full window from this failure
  }

  private static void fail(Cache<String, Failures> cache, String key, long fingerprint) {
    Failures f = cache.get(key, k -> new Failures());
    f.fail(fingerprint);
    cache.put(key, f); // a write: forgetting counts from the last failure
  }

  /** Entries held in the three maps together (for metrics and the memory test). */
  public long trackedKeys() {
    byIp.cleanUp();
    byUser.cleanUp();
    byPair.cleanUp();
    return byIp.estimatedSize() + byUser.estimatedSize() + byPair.estimatedSize();
  }

  /** A success clears the address's and the (user, address) pair's failures. */
  @Override
  public void recordSuccess(PolicyFacts facts) {
    byIp.invalidate(ip(facts));
    byPair.invalidate(pair(facts));
  }
}
