package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.net.EventLoops;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The sink's final reply to one message (TransactionSink "deliver"), subscribed to when the
 * content opens so that the sink takes the content as it arrives, and joined by the session when
 * the content has ended: {@link #join} runs the session's answer on its event loop, at once when
 * the reply is already there. The reply is the sink's own; a sink that fails or completes without
 * one gives the session's 4xx ({@link LocalDeliverySink#failure}, {@link SmtpReplies#LOCAL_ERROR}),
 * never a 250.
 *
 * <p>One object per message in place of {@code Sinks.one()}, its subscriber, {@code publishOn}
 * and the {@code flatMap} that joined them (docs/performance.md, the SMTP relay's cost per
 * message). State is touched on the session's event loop only; the sink's signals hop there.
 */
final class FinalReply extends Mono<Void> implements CoreSubscriber<SmtpReply>, Subscription {
  private final EventExecutor loop;
  /** The sink signalled a reply (any thread): its completion then adds nothing. */
  private volatile boolean answered;
  // on the loop
  private SmtpReply reply;
  private Function<SmtpReply, Mono<Void>> answer;
  private CoreSubscriber<? super Void> waiting;
  /** The waiting subscriber was answered or cancelled: nothing more goes to it. */
  private boolean done;

  FinalReply(EventExecutor loop) {
    this.loop = loop;
  }

  // ---- the sink's side --------------------------------------------------------------------------

  @Override
  public void onSubscribe(Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(SmtpReply r) {
    if (answered) {
      return;
    }
    answered = true;
    settle(r);
  }

  @Override
  public void onError(Throwable e) {
    if (answered) {
      return;
    }
    answered = true;
    settle(LocalDeliverySink.failure(e));
  }

  @Override
  public void onComplete() {
    if (!answered) {
      answered = true;
      settle(SmtpReplies.LOCAL_ERROR);
    }
  }

  private void settle(SmtpReply r) {
    EventLoops.run(loop, () -> {
      reply = r;
      if (waiting != null) {
        answerWaiting();
      }
    });
  }

  // ---- the session's side -----------------------------------------------------------------------

  /**
   * The content ended: {@code then} answers the client with the reply, on the loop. Returns its
   * Mono when the reply is already there, else one that completes once {@code then}'s has.
   * Called once, on the loop.
   */
  Mono<Void> join(Function<SmtpReply, Mono<Void>> then) {
    if (reply != null) {
      return then.apply(reply);
    }
    answer = then;
    return this;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    // by the session's command loop, on the event loop, after join
    if (waiting != null || answer == null) {
      Operators.error(actual, new IllegalStateException("final reply joined once"));
      return;
    }
    waiting = actual;
    actual.onSubscribe(this);
    if (reply != null) {
      answerWaiting();
    }
  }

  private void answerWaiting() {
    CoreSubscriber<? super Void> w = waiting;
    if (done) {
      return;
    }
    done = true;
    Mono<Void> written;
    try {
      written = answer.apply(reply);
    } catch (Throwable t) {
      w.onError(t);
      return;
    }
    if (written == Mono.<Void>empty()) {
      w.onComplete();
    } else {
      // the client is not reading its replies: the session waits for the write (rare)
      written.subscribe(null, w::onError, w::onComplete);
    }
  }

  @Override
  public void request(long n) {
    // a Mono<Void> emits no value
  }

  /** The session stopped waiting (its connection ended, on the loop): the reply is not sent. */
  @Override
  public void cancel() {
    EventLoops.run(loop, () -> done = true);
  }
}
