package dev.mailgate.policy.route.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class CachedLookupTest {
  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<LookupResult> answer =
      new AtomicReference<>(LookupResult.Found.of(new RouteTarget.Backend("b")));
  private final Lookup counting = new Lookup() {
    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Mono<LookupResult> find(LookupQuery query) {
      return Mono.fromSupplier(() -> {
        calls.incrementAndGet();
        return answer.get();
      });
    }
  };
  private final CachedLookup cached = new CachedLookup(counting,
      new CachedLookup.Settings(Duration.ofMinutes(5), Duration.ofSeconds(30), 1000),
      (Ticker) now::get, Runnable::run);

  private static LookupQuery q(String user, String password) {
    RouteFacts f = RouteFacts.forUser(user, "imap", MailProtocol.IMAP,
        IpLiterals.parse("127.0.0.1").orElseThrow(), true);
    return new LookupQuery(f, password == null ? Optional.empty()
        : Optional.of(AuthContext.plain(password, 1)));
  }

  @Test
  void foundAnswersLiveForThePositiveTtl() {
    cached.find(q("a@x", null)).block();
    cached.find(q("A@x", null)).block();
    assertThat(calls).hasValue(1);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    cached.find(q("a@x", null)).block();
    assertThat(calls).hasValue(2);
  }

  @Test
  void missesLiveForTheNegativeTtl() {
    answer.set(LookupResult.NOT_FOUND);
    cached.find(q("a@x", null)).block();
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    cached.find(q("a@x", null)).block();
    assertThat(calls).hasValue(1);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    cached.find(q("a@x", null)).block();
    assertThat(calls).hasValue(2);
  }

  @Test
  void refusalsAndErrorsAreNeverCached() {
    answer.set(new LookupResult.Refused("bad", Optional.empty(), Optional.empty()));
    cached.find(q("a@x", "pw")).block();
    cached.find(q("a@x", "pw")).block();
    assertThat(calls).hasValue(2);
  }

  @Test
  void aDifferentPasswordNeverHitsAnotherPasswordsEntry() {
    cached.find(q("a@x", "right")).block();
    cached.find(q("a@x", "wrong")).block();
    assertThat(calls).hasValue(2);
    cached.find(q("a@x", "right")).block();
    assertThat(calls).hasValue(2);
  }

  @Test
  void invalidationByUserOrDomainForgetsEntries() {
    cached.find(q("a@x", null)).block();
    cached.find(q("b@y", null)).block();
    cached.invalidate("x");
    cached.find(q("a@x", null)).block();
    cached.find(q("b@y", null)).block();
    assertThat(calls).hasValue(3);
    cached.invalidateAll();
    cached.find(q("b@y", null)).block();
    assertThat(calls).hasValue(4);
  }
}
