package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/** The session-to-sink content bridge: the sink's demand is the only buffer. */
class ContentPipeTest {

  static final class Recorder extends BaseSubscriber<ByteBuf> {
    final List<String> got = new ArrayList<>();
    boolean completed;
    Throwable error;

    @Override
    protected void hookOnSubscribe(Subscription s) {
      // no demand until the test asks
    }

    @Override
    protected void hookOnNext(ByteBuf b) {
      got.add(b.toString(US_ASCII));
      b.release();
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }

    @Override
    protected void hookOnError(Throwable t) {
      error = t;
    }
  }

  static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, US_ASCII);
  }

  @Test
  void anOfferWaitsUntilTheSinkRequestsAndTheEndWaitsForTheParkedPiece() {
    ContentPipe pipe = new ContentPipe(Runnable::run);
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    AtomicBoolean taken = new AtomicBoolean();
    pipe.offer(buf("a")).subscribe(null, null, () -> taken.set(true));
    assertThat(taken).isFalse();
    assertThat(r.got).isEmpty();
    pipe.complete();
    assertThat(r.completed).as("completion waits for the parked piece").isFalse();
    r.request(1);
    assertThat(taken).isTrue();
    assertThat(r.got).containsExactly("a");
    assertThat(r.completed).isTrue();
  }

  @Test
  void offersPassStraightThroughWhileThereIsDemand() {
    ContentPipe pipe = new ContentPipe(Runnable::run);
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    r.request(2);
    AtomicBoolean second = new AtomicBoolean();
    pipe.offer(buf("a")).subscribe();
    pipe.offer(buf("b")).subscribe(null, null, () -> second.set(true));
    assertThat(second).isTrue();
    AtomicBoolean third = new AtomicBoolean();
    pipe.offer(buf("c")).subscribe(null, null, () -> third.set(true));
    assertThat(third).isFalse();
    assertThat(r.got).containsExactly("a", "b");
    r.request(1);
    assertThat(r.got).containsExactly("a", "b", "c");
  }

  @Test
  void theFirstPieceGoesOutBeforeAnythingOffered() {
    ContentPipe pipe = new ContentPipe(Runnable::run, buf("Received: x\r\n"));
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    AtomicBoolean taken = new AtomicBoolean();
    pipe.offer(buf("a")).subscribe(null, null, () -> taken.set(true));
    assertThat(r.got).isEmpty();
    r.request(1);
    assertThat(r.got).containsExactly("Received: x\r\n");
    assertThat(taken).as("the offer waits for demand of its own").isFalse();
    r.request(5);
    assertThat(r.got).containsExactly("Received: x\r\n", "a");
    assertThat(taken).isTrue();
  }

  @Test
  void anEndBeforeTheSinkSubscribesCompletesAfterTheFirstPiece() {
    ContentPipe pipe = new ContentPipe(Runnable::run, buf("R\r\n"));
    pipe.complete();
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    assertThat(r.completed).isFalse();
    r.request(1);
    assertThat(r.got).containsExactly("R\r\n");
    assertThat(r.completed).isTrue();
  }

  @Test
  void failureReleasesTheFirstPieceNoSinkTook() {
    ByteBuf first = buf("R\r\n");
    ContentPipe pipe = new ContentPipe(Runnable::run, first);
    pipe.fail(new ContentAborted("reset"));
    assertThat(first.refCnt()).isZero();
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    r.request(1);
    assertThat(r.got).isEmpty();
    assertThat(r.error).isInstanceOf(ContentAborted.class);
  }

  @Test
  void failureReleasesTheParkedPieceAndErrorsTheSink() {
    ContentPipe pipe = new ContentPipe(Runnable::run);
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    ByteBuf parked = buf("x");
    AtomicBoolean released = new AtomicBoolean();
    pipe.offer(parked).subscribe(null, null, () -> released.set(true));
    pipe.fail(new ContentAborted("too big"));
    assertThat(parked.refCnt()).isZero();
    assertThat(released).isTrue();
    assertThat(r.error).isInstanceOf(ContentAborted.class);
    ByteBuf late = buf("y");
    pipe.offer(late).subscribe();
    assertThat(late.refCnt()).as("late pieces are dropped").isZero();
  }

  @Test
  void aCancelledSinkLetsTheSessionReadOnToTheEnd() {
    ContentPipe pipe = new ContentPipe(Runnable::run);
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    ByteBuf parked = buf("x");
    AtomicBoolean done = new AtomicBoolean();
    pipe.offer(parked).subscribe(null, null, () -> done.set(true));
    r.cancel();
    assertThat(parked.refCnt()).isZero();
    assertThat(done).isTrue();
  }

  @Test
  void aLateSubscriberSeesTheEarlierEnd() {
    ContentPipe pipe = new ContentPipe(Runnable::run);
    pipe.complete();
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    assertThat(r.completed).isTrue();
    ContentPipe failed = new ContentPipe(Runnable::run);
    failed.fail(new ContentAborted("gone"));
    Recorder f = new Recorder();
    failed.flux().subscribe(f);
    assertThat(f.error).isInstanceOf(ContentAborted.class);
  }

  @Test
  void theFirstPieceWaitsForTheContentAndBothGoOnAsTheContentIsOffered() {
    java.util.ArrayDeque<Runnable> loop = new java.util.ArrayDeque<>(); // the session's loop, not run
    ContentPipe pipe = new ContentPipe(loop::add, buf("Received: x\r\n"));
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    r.request(128); // a relay's writer asks for many at once

    assertThat(r.got).as("nothing follows the header yet: it waits").isEmpty();
    AtomicBoolean taken = new AtomicBoolean();
    pipe.offer(buf("a")).subscribe(null, null, () -> taken.set(true));

    assertThat(r.got).containsExactly("Received: x\r\n", "a");
    assertThat(taken).as("taken at once: the session reads on with no task in between").isTrue();
    assertThat(loop).isEmpty();
    pipe.complete();
    assertThat(r.completed).isTrue();
  }

  @Test
  void aMessageWithoutContentGetsTheFirstPieceThenTheEnd() {
    ContentPipe pipe = new ContentPipe(Runnable::run, buf("Received: x\r\n"));
    Recorder r = new Recorder();
    pipe.flux().subscribe(r);
    r.request(128);
    assertThat(r.got).isEmpty();

    pipe.complete();

    assertThat(r.got).containsExactly("Received: x\r\n");
    assertThat(r.completed).isTrue();
  }
}
