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
 *   <li>The lockout is exact under parallel guesses: a password check must first
 *       {@linkplain #reserve reserve} a slot of its pair, and a check in flight counts as a
 *       failure until its outcome, so at most {@code lockoutAfter} distinct passwords are checked
 *       per pair and lockout window however many connections guess at once. A password that
 *       already failed for the pair needs no slot (its failure counts nothing and tells a guesser
 *       nothing new); parallel checks of one password share a slot. When a lockout runs out the
 *       pair starts a new window of {@code lockoutAfter} guesses.
 *   <li>A success clears the address's and the pair's record (checks in flight keep their
 *       slots), and for {@code forgetAfter} after it the pair is no longer slowed by the user's
 *       failures from elsewhere: the real user's device, once logged in, is only delayed by new
 *       failures from its own address (as Dovecot's penalty, which is per address and reset by a
 *       success). Everything is forgotten {@code forgetAfter} after the last failure or admitted
 *       check, and each map holds at most {@code maxKeys}.
 * </ul>
 *
 * <p>Usage: {@code decide(facts.withAuthAttempt(user, tls))} (the delay or a lockout), wait the
 * delay, {@link #reserve} just before verifying, then {@link #recordFailure} or
 * {@link #recordSuccess} with the outcome and {@link LoginReservation#release()}.
 */
public final class AuthThrottle implements SyncPolicy, AuthOutcomes {
  private final String name;
  private final AuthThrottleSettings settings;
  private final Ticker ticker;
  private final Cache<String, FailureRecord> byIp;
  private final Cache<String, FailureRecord> byUser;
  /**
   * Per (user, address): failures, lockout, checks in flight and the last success. The success is
   * kept here rather than in a map of its own, and a cleared record stays: a pair that logs in
   * again and again then costs no entry made and dropped per login, only updates in place.
   */
  private final Cache<String, PairRecord> byPair;
  /** {@code forgetAfter} in nanoseconds: how long a success exempts its pair from the user's count. */
  private final long successWindow;

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
    this.successWindow = settings.forgetAfter().toNanos();
  }

  private static <V> Cache<String, V> cache(long maxKeys, Duration ttl, Ticker ticker,
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
    return pair(user(f), ip(f));
  }

  private static String pair(String user, String ip) {
    return user + "\0" + ip;
  }

  /** The synchronous decision at AUTH: Deny when the pair is locked out, else Delay or Allow. */
  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.AUTH) {
      return Decision.ALLOW;
    }
    // Each key made once: the address's text form and the pair are asked for by three lookups.
    String ip = ip(facts);
    String user = user(facts);
    String pair = pair(user, ip);
    PairRecord p = byPair.getIfPresent(pair);
    long now = ticker.read();
    if (p != null && p.lockedAt(now)) {
      return locked();
    }
    int ipFailures = count(byIp, ip);
    Duration d = delayFor(p != null && p.succeededWithin(now, successWindow)
        ? ipFailures : Math.max(ipFailures, count(byUser, user)));
    return d.isZero() ? Decision.ALLOW : new Decision.Delay(d, name);
  }

  private Decision.Deny locked() {
    return new Decision.Deny("too many failed logins for this user from this address", name,
        DenyKind.AUTH_THROTTLED);
  }

  /**
   * Reserves the check of a password with {@code fingerprint} for the pair of {@code facts},
   * immediately before it is verified (after any delay): refused when the pair is locked out or
   * when the checks already in flight would take it to {@code lockoutAfter}. Atomic per pair.
   */
  public LoginReservation reserve(PolicyFacts facts, long fingerprint) {
    String key = pair(facts);
    long now = ticker.read();
    PairRecord seen = byPair.getIfPresent(key);
    if (seen != null && seen.lockedAt(now)) {
      return new LoginReservation(locked()); // no write: a refused guess does not prolong the record
    }
    PairRecord.Slot[] slot = new PairRecord.Slot[1];
    // compute: atomic with the record's expiry and a concurrent success; the write keeps the
    // record alive while its check is in flight
    PairRecord p = byPair.asMap().compute(key, (k, r) -> {
      PairRecord record = r == null ? new PairRecord() : r;
      slot[0] = record.admit(fingerprint, now, settings.lockoutAfter());
      return record;
    });
    return slot[0] == null ? new LoginReservation(locked()) : new LoginReservation(p, slot[0]);
  }

  /**
   * The failures that delay the login of {@code facts}: the address's and the user's, but only
   * the address's for a (user, address) pair that logged in recently, so one typo (or a guesser
   * elsewhere) does not slow every later login of the user's own device.
   */
  public int failuresCounted(PolicyFacts facts, int ipFailures, int userFailures) {
    PairRecord p = byPair.getIfPresent(pair(facts));
    return p != null && p.succeededWithin(ticker.read(), successWindow)
        ? ipFailures : Math.max(ipFailures, userFailures);
  }

  private static int count(Cache<String, ? extends FailureRecord> cache, String key) {
    FailureRecord f = cache.getIfPresent(key);
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
    long now = ticker.read();
    byPair.asMap().compute(pair(facts), (k, r) -> {
      PairRecord p = r == null ? new PairRecord() : r;
      p.fail(fp, now, settings.lockoutAfter(), settings.lockoutFor().toNanos());
      return p; // a write: the entry now lives a full window from this failure
    });
  }

  private static void fail(Cache<String, FailureRecord> cache, String key, long fingerprint) {
    cache.asMap().compute(key, (k, r) -> {
      FailureRecord f = r == null ? new FailureRecord() : r;
      f.fail(fingerprint);
      return f; // a write: forgetting counts from the last failure
    });
  }

  /** Entries held in the three maps together (for metrics and the memory test). */
  public long trackedKeys() {
    byIp.cleanUp();
    byUser.cleanUp();
    byPair.cleanUp();
    return byIp.estimatedSize() + byUser.estimatedSize() + byPair.estimatedSize();
  }

  /**
   * A success clears the address's and the (user, address) pair's failures; the pair is cleared in
   * place, so checks still in flight keep counting against its next lockout. The pair is then
   * exempt from the user's failure count for {@code forgetAfter}: the record is written, so it
   * lives at least that long. The address's record is only removed when there is one: most
   * logins have nothing to forget, and a removal of nothing still goes through the map's writes.
   */
  @Override
  public void recordSuccess(PolicyFacts facts) {
    String ip = ip(facts);
    String pair = pair(user(facts), ip);
    if (byIp.asMap().containsKey(ip)) {
      byIp.invalidate(ip);
    }
    long now = ticker.read();
    byPair.asMap().compute(pair, (k, r) -> {
      PairRecord p = r == null ? new PairRecord() : r;
      p.succeeded(now);
      return p;
    });
  }
}
