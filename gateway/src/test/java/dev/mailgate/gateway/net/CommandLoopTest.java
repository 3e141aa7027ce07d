package dev.mailgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.publisher.TestPublisher;

/** {@link CommandLoop} on an embedded channel's loop (every call is on the loop). */
class CommandLoopTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final EventLoop loop = channel.eventLoop();
  private final TestPublisher<Object> inbound = TestPublisher.createCold();
  private final List<Object> handled = new ArrayList<>();
  private final Map<Object, Sinks.Empty<Void>> waiting = new HashMap<>();
  private final AtomicInteger hooks = new AtomicInteger();
  private final AtomicReference<String> end = new AtomicReference<>();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /** Messages named "wait…" get a handling that ends when the test says; the others end at once. */
  private Disposable run() {
    return run(() -> false);
  }

  private Disposable run(java.util.function.BooleanSupplier over) {
    CommandLoop loopOver = new CommandLoop(inbound, msg -> {
      handled.add(msg);
      if (msg.toString().startsWith("wait")) {
        Sinks.Empty<Void> s = Sinks.empty();
        waiting.put(msg, s);
        return s.asMono();
      }
      if (msg.toString().startsWith("boom")) {
        throw new IllegalStateException("handler threw");
      }
      return Mono.empty();
    }, hooks::incrementAndGet, loop, over);
    return loopOver.subscribe(null, e -> end.set("error: " + e.getMessage()), () -> end.set("complete"));
  }

  @Test
  void handlingsThatEndAtOnceTakeEveryMessageInOrderAndRunTheHookAfterEach() {
    run();
    inbound.next("a", "b", "c").complete();
    assertThat(handled).containsExactly("a", "b", "c");
    assertThat(hooks).hasValue(3);
    assertThat(end).hasValue("complete");
  }

  @Test
  void theNextMessageWaitsUntilTheHandlingBeforeItEnds() {
    run();
    inbound.next("wait1", "b");
    assertThat(handled).containsExactly("wait1");
    assertThat(hooks).hasValue(0);

    waiting.get("wait1").tryEmitEmpty();
    assertThat(handled).containsExactly("wait1", "b");
    assertThat(hooks).hasValue(2);
    assertThat(end).hasValue(null);
  }

  @Test
  void anInboundThatEndsDuringAHandlingCompletesOnlyAfterIt() {
    run();
    inbound.next("wait1").complete();
    assertThat(end).hasValue(null);
    waiting.get("wait1").tryEmitEmpty();
    assertThat(hooks).hasValue(1);
    assertThat(end).hasValue("complete");
  }

  @Test
  void aFailedHandlingEndsTheLoopWithItsErrorAfterTheHook() {
    run();
    inbound.next("wait1", "b");
    waiting.get("wait1").tryEmitError(new IllegalStateException("backend lost"));
    assertThat(end).hasValue("error: backend lost");
    assertThat(hooks).hasValue(1);
    assertThat(handled).containsExactly("wait1");
    inbound.assertCancelled();
  }

  @Test
  void aHandlerThatThrowsEndsTheLoopWithItsError() {
    run();
    inbound.next("boom", "b");
    assertThat(end).hasValue("error: handler threw");
    assertThat(handled).containsExactly("boom");
    assertThat(hooks).hasValue(1);
    inbound.assertCancelled();
  }

  @Test
  void anInboundErrorCancelsTheWaitingHandlingAndEndsTheLoop() {
    run();
    inbound.next("wait1");
    inbound.error(new IllegalStateException("connection reset"));
    assertThat(end).hasValue("error: connection reset");
    assertThat(hooks).hasValue(1);
    assertThat(waiting.get("wait1").currentSubscriberCount()).isZero();
  }

  @Test
  void cancellingCancelsTheInboundAndTheWaitingHandlingAndRunsTheHook() {
    Disposable d = run();
    inbound.next("wait1");
    d.dispose();
    inbound.assertCancelled();
    assertThat(waiting.get("wait1").currentSubscriberCount()).isZero();
    assertThat(hooks).hasValue(1);
    waiting.get("wait1").tryEmitEmpty();
    assertThat(hooks).hasValue(1);
    assertThat(end).hasValue(null);
  }

  @Test
  void aDialogueThatIsOverCompletesAfterItsHookAndLeavesTheRestOfTheInboundUnread() {
    run(() -> handled.contains("stop"));
    inbound.next("a", "stop", "b");
    assertThat(handled).containsExactly("a", "stop");
    assertThat(hooks).hasValue(2);
    assertThat(end).hasValue("complete");
    inbound.assertCancelled();
  }

  @Test
  void aDialogueThatIsOverAfterAWaitedHandlingCompletesWhenItEnds() {
    run(() -> handled.contains("wait-login"));
    inbound.next("wait-login", "b");
    assertThat(end).hasValue(null);
    waiting.get("wait-login").tryEmitEmpty();
    assertThat(handled).containsExactly("wait-login");
    assertThat(end).hasValue("complete");
    inbound.assertCancelled();
  }
}
