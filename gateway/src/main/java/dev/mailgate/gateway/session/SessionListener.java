package dev.mailgate.gateway.session;

/**
 * Observes sessions opening and ending; the composition root registers the session log and the
 * metrics through this. Called on the thread that opened or ended the session (often an event
 * loop): implementations must be quick and must not block or throw.
 */
public interface SessionListener {

  /** A session was registered. */
  void opened(SessionRecord session);

  /** A session ended; called exactly once per session, with its final snapshot. */
  void ended(SessionSnapshot session);
}
