package dev.mailgate.gateway.local.imap;

/**
 * A failure after part of a response already went out: a FETCH response line was opened, or a
 * literal's length was announced and some of its bytes sent (a message over one 64 KiB store chunk
 * that another session expunged between two chunk reads of the Postgres store, a stored body
 * shorter than its index says). Such a response cannot be completed honestly: a tagged NO, or even
 * a {@code * BYE}, would land inside it, where the client either misparses it as message data or
 * waits for the literal's missing bytes. The session closes the connection instead, the one signal
 * a client cannot misread.
 */
final class ResponseCutShort extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ResponseCutShort(Throwable cause) {
    super("response cut short: " + cause, cause, false, false);
  }
}
