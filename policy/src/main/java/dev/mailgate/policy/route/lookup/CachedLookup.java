package dev.mailgate.policy.route.lookup;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PasswordFingerprint;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;

/**
 * Caches another lookup's answers with Caffeine: {@link LookupResult.Found} for
 * {@code positiveTtl}, {@link LookupResult.NotFound} for {@code negativeTtl}; a
 * {@link LookupResult.Refused} (a wrong password, a lockout) and errors are never cached, so a
 * corrected password or a recovered service is seen at once. At most {@code maxEntries} entries.
 *
 * <p>The key is (user, domain, protocol, password fingerprint): a query carrying a password only
 * hits an entry made with the same password, so a cached auth_http OK cannot log in a wrong one.
 */
public final class CachedLookup implements Lookup, AutoCloseable {

  /** The cache settings; TTLs of zero disable caching of that kind of answer. */
  public record Settings(Duration positiveTtl, Duration negativeTtl, long maxEntries) {
    public static final Settings DEFAULT =
        new Settings(Duration.ofMinutes(5), Duration.ofMinutes(1), 100_000);

    public Settings {
      Objects.requireNonNull(positiveTtl, "positiveTtl");
      Objects.requireNonNull(negativeTtl, "negativeTtl");
      if (positiveTtl.isNegative() || negativeTtl.isNegative() || maxEntries < 0) {
        throw new IllegalArgumentException("negative cache setting");
      }
    }
  }

  private record Key(String user, String domain, MailProtocol protocol, long credential) {}

  private final Lookup delegate;
  private final AsyncCache<Key, LookupResult> cache;

  public CachedLookup(Lookup delegate, Settings settings, Ticker ticker, Executor executor) {
    this.delegate = delegate;
    long positive = settings.positiveTtl().toNanos();
    long negative = settings.negativeTtl().toNanos();
    this.cache = Caffeine.newBuilder()
        .ticker(ticker)
        .executor(executor)
        .maximumSize(settings.maxEntries())
        .expireAfter(new Expiry<Key, LookupResult>() {
          @Override
          public long expireAfterCreate(Key key, LookupResult value, long currentTime) {
            if (value instanceof LookupResult.Found) {
              return positive;
            }
            return value instanceof LookupResult.NotFound ? negative : 0L;
          }

          @Override
          public long expireAfterUpdate(Key k, LookupResult v, long now, long remaining) {
            return expireAfterCreate(k, v, now);
          }

          @Override
          public long expireAfterRead(Key k, LookupResult v, long now, long remaining) {
            return remaining;
          }
        })
        .buildAsync();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Mono<LookupResult> find(LookupQuery query) {
    var f = query.facts();
    long credential = query.auth().map(AuthContext::password)
        .map(PasswordFingerprint::of).orElse(0L);
    Key key = new Key(lower(f.user()), f.domain(), f.protocol(), credential);
    return Mono.fromFuture(() -> cache.get(key, (k, ex) -> delegate.find(query).toFuture()), true);
  }

  /** Forgets every cached answer about this user name or domain. */
  public void invalidate(String userOrDomain) {
    String s = lower(userOrDomain);
    cache.synchronous().asMap().keySet()
        .removeIf(k -> Objects.equals(k.user(), s) || Objects.equals(k.domain(), s));
  }

  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }

  /** Closes the wrapped lookup when it holds resources (an SQL lookup's idle connections). */
  @Override
  public void close() throws Exception {
    if (delegate instanceof AutoCloseable c) {
      c.close();
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
