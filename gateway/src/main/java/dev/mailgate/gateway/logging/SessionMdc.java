package dev.mailgate.gateway.logging;

import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts the session id into the SLF4J MDC (key {@value #KEY}) so every log line a session causes
 * carries it.
 *
 * <p>How a reactive session keeps it: the MDC is thread-local, and a reactor-netty session hops
 * between no thread but its event loop, yet shares that thread with hundreds of other sessions. So
 * the id is never left in the MDC between steps; each handler step (decoding a command, a policy
 * decision's continuation, a backend reply) runs inside {@link #open} / {@link #run} / {@link #call},
 * which set the id and restore whatever was there before. Reactor's automatic context propagation
 * would need the extra {@code context-propagation} library for what these few wrappers do.
 *
 * <pre>{@code
 * try (SessionMdc.Scope s = SessionMdc.open(session.id())) {
 *   handle(command);
 * }
 * flux.doOnNext(reply -> SessionMdc.run(id, () -> log.debug("reply {}", reply.code())))
 * }</pre>
 */
public final class SessionMdc {
  /** The MDC key; {@code %X{session}} in a pattern, {@code "mdc":{"session":...}} in JSON. */
  public static final String KEY = "session";

  private SessionMdc() {}

  /** Sets the session id until the returned scope closes, then restores the previous value. */
  public static Scope open(String sessionId) {
    String previous = MDC.get(KEY);
    MDC.put(KEY, sessionId);
    return new Scope(previous);
  }

  /** Runs one step with the session id in the MDC. */
  @SuppressWarnings("try") // the scope is only closed, never read
  public static void run(String sessionId, Runnable step) {
    try (Scope s = open(sessionId)) {
      step.run();
    }
  }

  /** Computes one step with the session id in the MDC. */
  @SuppressWarnings("try") // the scope is only closed, never read
  public static <T> T call(String sessionId, Supplier<T> step) {
    try (Scope s = open(sessionId)) {
      return step.get();
    }
  }

  /** Restores the MDC when closed; closing twice is harmless. */
  public static final class Scope implements AutoCloseable {
    private final String previous;
    private boolean closed;

    private Scope(String previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (previous == null) {
        MDC.remove(KEY);
      } else {
        MDC.put(KEY, previous);
      }
    }
  }
}
