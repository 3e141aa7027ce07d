package dev.mailgate.policy;

/**
 * The step of a session a policy check is about. Each policy acts on the stages it knows and
 * allows the rest.
 */
public enum Stage {
  /** A new connection was accepted (after the PROXY header, before the greeting). */
  CONNECT,
  /** A login attempt (LOGIN, AUTHENTICATE, AUTH, USER/PASS) is about to be checked. */
  AUTH,
  /** Any command. */
  COMMAND,
  /** SMTP MAIL FROM (with the declared SIZE, if any). */
  MAIL_FROM,
  /** SMTP RCPT TO. */
  RCPT,
  /** The message was received (DATA or the last BDAT), before it is acknowledged. */
  DATA
}
