package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * A POP3 session's goodbye on a kick or a drain (RFC 2449 section 8, RFC 3206 {@code [SYS/TEMP]}):
 * {@code -ERR [SYS/TEMP]} and close, never in the middle of a response: a command being answered
 * (a RETR streaming its body, a login being checked) finishes first. A session that becomes a relay
 * {@link #handOff() hands} a goodbye still owed to the relay's own goodbye.
 *
 * <p>Timeouts: a session that has not logged in when its pre-login or idle timeout fires gets
 * {@code -ERR Disconnected for inactivity} before the close, the POP3 counterpart of IMAP's {@code
 * * BYE} autologout, in the words Dovecot uses, so the client can tell the user why. After
 * login, and while a command is being answered, the connection closes without a reply: RFC 1939
 * section 3 asks that of an autologout, a relay could not take a line in the middle of the
 * backend's response, and a line cannot be slotted into a response being written.
 *
 * <p>Touched on the connection's event loop only (the session context runs the hooks there, and
 * {@link #around} hops back to it).
 */
public final class Pop3Goodbye {
  public static final String KICKED_TEXT = "Disconnected by the administrator";
  public static final String SHUTTING_DOWN_TEXT = "Server shutting down, please reconnect";
  public static final String TIMEOUT_TEXT = "Disconnected for inactivity";
  /** The same lines as raw text, for a relay that no longer has the POP3 encoder. */
  public static final String KICKED_LINE = "-ERR [SYS/TEMP] " + KICKED_TEXT;
  public static final String SHUTTING_DOWN_LINE = "-ERR [SYS/TEMP] " + SHUTTING_DOWN_TEXT;

  /** How long the timeout's goodbye line may take to go out; then the close goes on without it. */
  private static final Duration WRITE_LIMIT = Duration.ofSeconds(5);

  private final Pop3Wire wire;
  /** The connection's event loop, kept: a closed channel no longer answers eventLoop(). */
  private final io.netty.channel.EventLoop loop;
  private boolean busy;
  private boolean owed;
  private boolean kick;
  /** The goodbye is the timeout's. */
  private boolean timeout;
  /** The session ended or became a relay: nothing more to say here. */
  private boolean over;

  private Pop3Goodbye(Pop3Wire wire) {
    this.wire = wire;
    this.loop = wire.connection().channel().eventLoop();
  }

  /** Points the session's kick and drain hooks at a new goodbye for {@code wire}. */
  public static Pop3Goodbye install(Pop3Wire wire) {
    Pop3Goodbye g = new Pop3Goodbye(wire);
    wire.context().onKick(() -> g.requested(true));
    wire.context().onDrain(() -> g.requested(false));
    wire.context().onTimeout(g::timedOut);
    return g;
  }

  /**
   * Wraps the handling of one inbound message: a goodbye asked for meanwhile waits for it; when
   * {@code ends} says the result ends the session (QUIT, too many errors), none is said.
   */
  public <T> Mono<T> around(Mono<T> handling, Predicate<T> ends) {
    return Mono.defer(() -> {
      busy = true;
      return handling
          .doOnNext(r -> {
            if (ends.test(r)) {
              over = true;
            }
          })
          .doFinally(s -> loop.execute(this::answered));
    });
  }

  /**
   * {@link #around} for a session written as event-loop code: an inbound message is being handled
   * from now on (on the event loop); a goodbye asked for meanwhile waits for {@link #handled}.
   */
  public void handling() {
    busy = true;
  }

  /** The message was handled (on the event loop); {@code ends}: the session ends, nothing is said. */
  public void handled(boolean ends) {
    if (ends) {
      over = true;
    }
    answered();
  }

  /** The session becomes a relay: returns whether a goodbye is still owed (the relay says it). */
  public boolean handOff() {
    over = true;
    return owed;
  }

  private void requested(boolean isKick) {
    kick |= isKick;
    owed = true;
    if (!busy && !over) {
      say();
    }
  }

  /**
   * The pre-login or idle timeout fired (on the event loop); the connection must end now. Unlike a
   * kick, it does not wait for a command being answered: a timeout is what stops a client that
   * never reads (its answer would never finish), so then the close comes without a word.
   */
  private void timedOut() {
    if (busy || over || wire.context().isAuthenticated()) {
      over = true;
      wire.connection().dispose();
    } else {
      timeout = true;
      say();
    }
  }

  private void answered() {
    busy = false;
    if (owed && !over) {
      say();
    }
  }

  /** Writes the goodbye straight to the channel and closes once it is written (or failed). */
  private void say() {
    over = true;
    Status line = timeout ? Status.err(TIMEOUT_TEXT)
        : Status.err(Pop3RespCode.SYS_TEMP, kick ? KICKED_TEXT : SHUTTING_DOWN_TEXT);
    ChannelFuture sent = wire.write(line);
    ScheduledFuture<?> limit = null;
    if (timeout && !sent.isDone()) {
      // the timeout is what closes a client that reads nothing: it must not wait on that client
      limit = loop.schedule(
          () -> wire.connection().dispose(), WRITE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    ScheduledFuture<?> cancelLimit = limit;
    sent.addListener(f -> {
      if (cancelLimit != null) {
        cancelLimit.cancel(false);
      }
      wire.connection().dispose();
    });
  }
}
