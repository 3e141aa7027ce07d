package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * A POP3 session's goodbye on a kick or a drain (RFC 2449 section 8, RFC 3206 {@code [SYS/TEMP]}):
 * {@code -ERR [SYS/TEMP]} and close, never in the middle of a response: a command being answered
 * (a RETR streaming its body, a login being checked) finishes first. A session that becomes a relay
 * {@link #handOff() hands} a goodbye still owed to the relay's own goodbye.
 *
 * <p>Touched on the connection's event loop only (the session context runs the hooks there, and
 * {@link #around} hops back to it).
 */
public final class Pop3Goodbye {
  public static final String KICKED_TEXT = "Disconnected by the administrator";
  public static final String SHUTTING_DOWN_TEXT = "Server shutting down, please reconnect";
  /** The same lines as raw text, for a relay that no longer has the POP3 encoder. */
  public static final String KICKED_LINE = "-ERR [SYS/TEMP] " + KICKED_TEXT;
  public static final String SHUTTING_DOWN_LINE = "-ERR [SYS/TEMP] " + SHUTTING_DOWN_TEXT;

  private final Pop3Wire wire;
  /** The connection's event loop, kept: a closed channel no longer answers eventLoop(). */
  private final java.util.concurrent.Executor loop;
  private boolean busy;
  private boolean owed;
  private boolean kick;
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

  private void answered() {
    busy = false;
    if (owed && !over) {
      say();
    }
  }

  private void say() {
    over = true;
    Status line = Status.err(Pop3RespCode.SYS_TEMP, kick ? KICKED_TEXT : SHUTTING_DOWN_TEXT);
    wire.send(line)
        .onErrorResume(e -> Mono.empty())
        .doFinally(s -> wire.connection().dispose())
        .subscribe();
  }
}
