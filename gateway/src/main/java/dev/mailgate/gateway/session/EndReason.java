package dev.mailgate.gateway.session;

/**
 * Why a session ended: the last field of the session log line and the {@code reason} tag of
 * {@code mailgate_sessions_ended_total}. The first reason recorded wins (a kicked session whose
 * socket then closes stays {@link #KICKED}).
 */
public enum EndReason {
  /** The client said goodbye (IMAP LOGOUT, POP3 QUIT, SMTP QUIT). */
  CLIENT_QUIT("client_quit"),
  /** The client closed or reset the connection without saying goodbye. */
  CLIENT_CLOSED("client_closed"),
  /** No traffic within the idle timeout after login. */
  IDLE_TIMEOUT("idle_timeout"),
  /** The client did not log in within the pre-login timeout. */
  PRE_LOGIN_TIMEOUT("pre_login_timeout"),
  /** The backend closed its leg of the relay. */
  BACKEND_CLOSED("backend_closed"),
  /** No backend could be reached (connect failure or every circuit open). */
  BACKEND_UNAVAILABLE("backend_unavailable"),
  /** An administrator kicked the session ({@code POST /sessions/kick}). */
  KICKED("kicked"),
  /** The gateway drained for shutdown or on {@code POST /drain}. */
  DRAIN("drain"),
  /** The client made too many protocol errors. */
  PROTOCOL_ERRORS("protocol_errors"),
  /** The TLS handshake failed (implicit TLS or STARTTLS). */
  TLS_FAILED("tls_failed"),
  /**
   * The gateway ended the conversation itself without a more precise reason: after a protocol
   * goodbye it sent on its own (a fatal error reply, a refused greeting).
   */
  SERVER_CLOSED("server_closed"),
  /** An unexpected failure inside the gateway. */
  SERVER_ERROR("server_error");

  private final String label;

  EndReason(String label) {
    this.label = label;
  }

  /** The snake-case name for logs and metric tags. */
  public String label() {
    return label;
  }
}
