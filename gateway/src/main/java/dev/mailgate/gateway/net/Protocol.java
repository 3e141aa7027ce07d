package dev.mailgate.gateway.net;

/** The protocol a listener speaks; each has its own session implementation. */
public enum Protocol {
  /** SMTP on an MX-style port (RFC 5321). */
  SMTP,
  /** Message submission (RFC 6409), AUTH required. */
  SUBMISSION,
  /** POP3 (RFC 1939). */
  POP3,
  /** IMAP4rev1 / IMAP4rev2 (RFC 3501, RFC 9051). */
  IMAP
}
