package dev.mailgate.config.model;

/** Who decides whether a login is good (DESIGN.md, "Authentication"). */
public enum AuthMode {
  /** Replay the login to the backend and let it decide. */
  PASS_THROUGH,
  /** Verify at the gateway (local users or an auth_http lookup), then log in to the backend. */
  VERIFY
}
