package dev.mailgate.gateway.session;

/**
 * The hooks a live session hands to the {@link SessionRegistry} so that the gateway can end it from
 * outside: an administrator's kick, a graceful drain, a forced close. Each call only <em>asks</em>:
 * it must return at once without blocking (it is called from the admin HTTP event loop or the drain
 * thread), schedule the work on the session's own event loop, and the session then reports its end
 * through {@link SessionRecord#end(EndReason)} as usual. Calls may come more than once and from any
 * thread.
 */
public interface SessionControl {

  /**
   * Says the protocol's goodbye and closes: IMAP {@code * BYE}, POP3 {@code -ERR}, SMTP {@code 421
   * 4.3.2}. An SMTP transaction in flight is abandoned (the client keeps the message and retries,
   * since it never got a 250).
   */
  void kick();

  /**
   * Finishes the current unit of work, then says goodbye: an IMAP session in IDLE or between
   * commands sends {@code * BYE [UNAVAILABLE]} now; an IMAP or POP3 command in flight completes
   * first; an SMTP session lets the transaction in flight reach its final reply, then answers {@code
   * 421 4.3.2} to the next command. The drain coordinator waits for the session to end and calls
   * {@link #close()} when its timeout runs out.
   */
  void drain();

  /** Closes the connection now, without a goodbye (the drain timeout ran out). */
  void close();
}
