package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** {@link Immediate#thenOn}: a handling's last step, run on the session's loop. */
class OnLoopTest {

  private final DefaultEventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void aKnownAnswerIsAppliedAtOnceWithNoSubscription() {
    AtomicBoolean applied = new AtomicBoolean();
    Mono<Void> m = Immediate.thenOn(Mono.just(1), loop, v -> {
      applied.set(true);
      return Mono.empty();
    });
    assertThat(applied).isTrue();
    assertThat(m).isSameAs(Mono.empty());
  }

  @Test
  void anAnswerFromAnotherThreadIsAppliedOnTheLoop() {
    Sinks.One<Integer> answer = Sinks.one();
    AtomicReference<Boolean> onLoop = new AtomicReference<>();
    Mono<Void> m = Immediate.thenOn(answer.asMono(), loop, v -> {
      onLoop.set(loop.inEventLoop());
      return Mono.empty();
    });
    StepVerifier.create(m)
        .then(() -> answer.tryEmitValue(7))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(onLoop.get()).isTrue();
  }

  @Test
  void theStepsMonoIsWaitedForWhenItDoesNotEndAsItReturns() {
    Sinks.One<Integer> answer = Sinks.one();
    Sinks.Empty<Void> written = Sinks.empty();
    Mono<Void> m = Immediate.thenOn(answer.asMono(), loop, v -> written.asMono());
    StepVerifier.create(m)
        .then(() -> answer.tryEmitValue(1))
        .expectNoEvent(Duration.ofMillis(100))
        .then(written::tryEmitEmpty)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void anEmptyAnswerCompletesWithoutTheStep() {
    AtomicBoolean applied = new AtomicBoolean();
    StepVerifier.create(Immediate.thenOn(Mono.<Integer>empty().hide(), loop, v -> {
          applied.set(true);
          return Mono.empty();
        }))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(applied).isFalse();
  }

  @Test
  void aFailedAnswerAndAThrowingStepArePassedOnAsErrors() {
    StepVerifier.create(Immediate.thenOn(Mono.<Integer>error(new IllegalStateException("no")).hide(), loop,
            v -> Mono.empty()))
        .expectErrorMessage("no")
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(Immediate.thenOn(Mono.just(1).hide(), loop, v -> {
          throw new IllegalArgumentException("bad");
        }))
        .expectErrorMessage("bad")
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aCancelledWaitDropsTheLaterAnswer() throws Exception {
    Sinks.One<Integer> answer = Sinks.one();
    AtomicBoolean applied = new AtomicBoolean();
    Disposable d = Immediate.thenOn(answer.asMono(), loop, v -> {
      applied.set(true);
      return Mono.empty();
    }).subscribe();
    d.dispose();
    answer.tryEmitValue(1);
    CountDownLatch drained = new CountDownLatch(1);
    loop.execute(drained::countDown); // after anything the answer queued on the loop
    assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(applied).isFalse();
  }

  @Test
  void cancellingWhileTheStepsMonoIsWaitedForCancelsIt() throws Exception {
    Sinks.One<Integer> answer = Sinks.one();
    AtomicBoolean stepCancelled = new AtomicBoolean();
    CountDownLatch subscribed = new CountDownLatch(1);
    Mono<Void> step = Mono.<Void>never()
        .doOnSubscribe(s -> subscribed.countDown())
        .doOnCancel(() -> stepCancelled.set(true));
    Disposable d = Immediate.thenOn(answer.asMono(), loop, v -> step).subscribe();
    answer.tryEmitValue(1);
    assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
    d.dispose();
    CountDownLatch drained = new CountDownLatch(1);
    loop.execute(drained::countDown); // after the step's subscription, which runs on the loop
    assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(stepCancelled).isTrue();
  }
}
