package dev.mailgate.gateway.backend;

import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A login dialogue's one consumer of a backend's inbound ({@link BackendConnection#receive()}),
 * for dialogues written as event-loop state machines: it asks for one message at a time ({@link
 * #next()}), hands each to the dialogue, and turns the inbound's error or end into a reason. When
 * the dialogue is over, {@link #stop()} cancels it and the relay takes the same inbound over.
 */
public final class BackendReads implements CoreSubscriber<Object> {

  private final Consumer<Object> onRead;
  private final Consumer<String> onEnd;
  private Subscription subscription;
  private boolean stopped;

  /**
   * @param onRead each message, on the event loop; call {@link #next()} for the one after
   * @param onEnd why the inbound ended before {@link #stop()}: an error, or the backend closed
   */
  public BackendReads(Consumer<Object> onRead, Consumer<String> onEnd) {
    this.onRead = onRead;
    this.onEnd = onEnd;
  }

  @Override
  public void onSubscribe(Subscription s) {
    subscription = s;
    if (stopped) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  /** Asks for the next message. */
  public void next() {
    if (subscription != null && !stopped) {
      subscription.request(1);
    }
  }

  /** The dialogue is over: no more messages; the next consumer continues where this stopped. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  @Override
  public void onNext(Object msg) {
    onRead.accept(msg);
  }

  @Override
  public void onError(Throwable t) {
    onEnd.accept(t.toString());
  }

  @Override
  public void onComplete() {
    onEnd.accept("backend closed the connection");
  }
}
