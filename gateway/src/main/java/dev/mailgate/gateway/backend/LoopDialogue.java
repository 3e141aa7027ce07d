package dev.mailgate.gateway.backend;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A login dialogue with a backend, written as a state machine on the backend channel's event loop
 * (the IMAP and POP3 proxies' login replay): one subscriber on the backend's inbound asking for one
 * message at a time ({@link BackendReads}), two timers on the loop (the greeting's, the whole
 * dialogue's), writes straight to the channel and flushed once per read. A chain of Reactor
 * operators per login (timeout, concatMap, a subscription per response, a Mono per write) cost more
 * CPU than the dialogue's own work.
 *
 * <p>Subclasses say what a failure looks like ({@link #failed}), what to write first ({@link
 * #begin}), and handle each message ({@link #onRead}), asking for the next with {@link #next()}
 * or ending with {@link #finish}. Everything but {@link #run} runs on the loop.
 *
 * @param <O> the dialogue's outcome
 */
public abstract class LoopDialogue<O> {

  private final BackendConnection connection;
  private final BackendReads inbound = new BackendReads(this::read, reason -> finish(failed(reason)));
  private final ChannelFutureListener writeFailed = f -> {
    if (!f.isSuccess()) {
      finish(failed(f.cause().toString()));
    }
  };
  /** Who gets the outcome: null until started, and for a dialogue nobody waits for any more. */
  private Consumer<? super O> receiver;
  private ScheduledFuture<?> greetingTimer;
  private ScheduledFuture<?> dialogueTimer;
  private boolean unflushed;
  private boolean finished;

  protected LoopDialogue(BackendConnection connection) {
    this.connection = connection;
  }

  /**
   * Runs the dialogue; never fails (errors become {@link #failed}). The backend's first message must
   * come within its greeting timeout ({@link BackendSpec#handshakeTimeout()}), the whole dialogue
   * within {@code timeout}. A cancel ends it with a null outcome ({@link #ended}).
   */
  public final Mono<O> run(Duration timeout) {
    return Mono.create(s -> {
      s.onCancel(this::cancel);
      onLoop(() -> startOnLoop(s::success, timeout));
    });
  }

  /**
   * {@link #run} for a caller written as a state machine itself (a login that goes on to its
   * reply): {@code done} gets the outcome once, on the channel's loop, with the same timeouts.
   * {@link #cancel()} ends it without an outcome.
   */
  public final void start(Duration timeout, Consumer<? super O> done) {
    EventLoop loop = channel().eventLoop();
    if (loop.inEventLoop()) {
      startOnLoop(done, timeout);
    } else {
      loop.execute(() -> startOnLoop(done, timeout));
    }
  }

  /** Ends the dialogue with a null outcome ({@link #ended}), on the loop; nobody gets one. */
  public final void cancel() {
    onLoop(() -> finish(null));
  }

  /** The outcome of a dialogue that could not go on, for {@code reason}. */
  protected abstract O failed(String reason);

  /** Writes what precedes the backend's greeting (a PROXY header); a RuntimeException fails. */
  protected void begin() {}

  /** One message from the backend; call {@link #next()} for the next or {@link #finish} to end. */
  protected abstract void onRead(Object msg);

  /** The dialogue ended with {@code result} (null: cancelled), before the caller gets it. */
  protected void ended(O result) {}

  /** An outcome nobody will receive (it came after the end, or nobody waits): release what it holds. */
  protected void discard(O result) {}

  private void onLoop(Runnable r) {
    EventLoop loop = channel().eventLoop();
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  private void startOnLoop(Consumer<? super O> done, Duration timeout) {
    if (finished) {
      return; // cancelled before it began
    }
    this.receiver = done;
    EventLoop loop = channel().eventLoop();
    Duration greeting = connection.backend().spec().handshakeTimeout();
    greetingTimer = loop.schedule(
        () -> finish(failed("backend sent no greeting within " + greeting.toMillis() + " ms")),
        greeting.toNanos(), TimeUnit.NANOSECONDS);
    dialogueTimer = loop.schedule(
        () -> finish(failed("backend login timed out")), timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      begin();
    } catch (RuntimeException e) {
      finish(failed(e.toString()));
      return;
    }
    flush();
    // The dialogue's one consumer of the backend's inbound, not a nested pipeline: its demand,
    // errors and end all come back here, and finish() cancels it, after which the relay takes
    // the same inbound over (InboundHandoff).
    connection.receive().subscribe(inbound);
  }

  private void read(Object msg) {
    if (finished) {
      return;
    }
    if (greetingTimer != null) {
      greetingTimer.cancel(false);
      greetingTimer = null;
    }
    onRead(msg);
  }

  /** Ends the dialogue once: timers and the inbound subscription go, the outcome goes to the caller. */
  protected final void finish(O result) {
    if (finished) {
      discard(result);
      return;
    }
    finished = true;
    if (greetingTimer != null) {
      greetingTimer.cancel(false);
    }
    if (dialogueTimer != null) {
      dialogueTimer.cancel(false);
    }
    inbound.stop();
    ended(result);
    if (result != null && receiver != null) {
      receiver.accept(result);
    } else {
      discard(result);
    }
  }

  /**
   * Upgrades the connection after the backend accepted STARTTLS or STLS (RFC 2595). Once the
   * handshake is over, on the loop, {@code then} writes what follows and returns the outcome when
   * that ends the dialogue (null: read on); a failed handshake fails the dialogue.
   */
  protected final void startTls(Supplier<O> then) {
    connection.startTls((session, failure) -> {
      if (finished) {
        return;
      }
      if (failure != null) {
        finish(failed(failure.toString()));
        return;
      }
      O outcome = then.get();
      flush();
      if (outcome != null) {
        finish(outcome);
      } else {
        next();
      }
    });
  }

  /** Asks for the backend's next message. */
  protected final void next() {
    inbound.next();
  }

  /** Writes without flushing: a read's writes go out with one {@link #flush()}. */
  protected final void send(Object msg) {
    channel().write(msg).addListener(writeFailed);
    unflushed = true;
  }

  protected final void flush() {
    if (unflushed) {
      unflushed = false;
      channel().flush();
    }
  }

  protected final BackendConnection connection() {
    return connection;
  }

  protected final Channel channel() {
    return connection.connection().channel();
  }

  protected final ByteBufAllocator alloc() {
    return channel().alloc();
  }
}
