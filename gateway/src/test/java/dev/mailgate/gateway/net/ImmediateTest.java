package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ImmediateTest {

  @Test
  void aKnownValueIsMappedBeforeAnySubscription() {
    AtomicInteger applied = new AtomicInteger();
    Mono<String> m = Immediate.flatMap(Mono.just(2), v -> {
      applied.incrementAndGet();
      return Mono.just("x".repeat(v));
    });
    assertThat(applied).hasValue(1);
    StepVerifier.create(m).expectNext("xx").verifyComplete();
  }

  @Test
  void anEmptySourceGivesEmptyWithoutApplying() {
    Mono<String> m = Immediate.flatMap(Mono.<Integer>empty(), v -> Mono.just("never"));
    StepVerifier.create(m).verifyComplete();
  }

  @Test
  void aFailedSourceAndAThrowingFunctionGiveErrorsNotThrows() {
    StepVerifier.create(Immediate.flatMap(Mono.<Integer>error(new IllegalStateException("no")), v -> Mono.just(v)))
        .verifyErrorMessage("no");
    StepVerifier.create(Immediate.flatMap(Mono.just(1), v -> {
          throw new IllegalArgumentException("bad");
        }))
        .verifyErrorMessage("bad");
  }

  @Test
  void aPendingSourceIsMappedWhenItsValueComesOnTheGivenScheduler() {
    Sinks.One<Integer> later = Sinks.one();
    AtomicInteger applied = new AtomicInteger();
    Mono<String> m = Immediate.flatMapOn(later.asMono(), Schedulers.immediate(), v -> {
      applied.incrementAndGet();
      return Mono.just("v" + v);
    });
    assertThat(applied).hasValue(0);
    StepVerifier.create(m).then(() -> later.tryEmitValue(7)).expectNext("v7").verifyComplete();
    assertThat(applied).hasValue(1);
  }

  @Test
  void onErrorReturnKeepsAKnownValueAndReplacesAFailure() {
    Mono<Boolean> known = Mono.just(true);
    assertThat(Immediate.onErrorReturn(known, false)).isSameAs(known);
    StepVerifier.create(Immediate.onErrorReturn(Mono.<Boolean>error(new IllegalStateException()), false))
        .expectNext(false).verifyComplete();
    StepVerifier.create(Immediate.onErrorReturn(Mono.<Boolean>error(new IllegalStateException()).hide(), false))
        .expectNext(false).verifyComplete();
  }
}
