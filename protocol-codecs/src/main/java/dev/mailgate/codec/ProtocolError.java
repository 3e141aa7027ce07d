package dev.mailgate.codec;

/**
 * The small error vocabulary every decoder speaks. A decoder never throws for bad input: it emits a
 * {@link DecodeFailure} carrying one of these, resynchronises at the next terminator and carries on.
 * The session maps each to its protocol's standard reply (PRODUCT.md, "How it answers").
 */
public enum ProtocolError {
  /** A command or reply line exceeded the line limit (SMTP 500 5.5.6, IMAP BAD [TOOBIG], POP3 -ERR). */
  LINE_TOO_LONG,
  /** A bare CR or bare LF where only CRLF is allowed (SMTP smuggling class). */
  BAD_LINE_ENDING,
  /** An IMAP literal larger than the limit for the session's state. */
  LITERAL_TOO_BIG,
  /** A message (DATA, BDAT total, APPEND) larger than the limit. */
  MESSAGE_TOO_BIG,
  /** A BDAT chunk larger than the chunk limit. */
  CHUNK_TOO_BIG,
  /** The verb or command name is not known. */
  UNKNOWN_COMMAND,
  /** The command is known but its arguments do not follow the grammar. */
  SYNTAX,
  /** More parameters, list items or recipients than the limit. */
  TOO_MANY_PARAMETERS,
  /** Parenthesised lists (IMAP SEARCH, FETCH, BODYSTRUCTURE) nested deeper than the limit. */
  NESTING_TOO_DEEP,
  /** More commands pipelined ahead of their replies than the limit. */
  TOO_MANY_PIPELINED,
  /** Base64 that does not decode, or a SASL message that does not follow its mechanism. */
  BAD_ENCODING,
  /** A NUL or other byte the grammar never allows. */
  BAD_CHARACTER,
  /**
   * An IMAP mailbox argument that is a well-formed astring but not modified UTF-7 (RFC 3501
   * section 5.1.3) in a session without UTF8=ACCEPT: it names no mailbox, so the answer is
   * {@code NO}, as Dovecot's, and it is not counted as a protocol error.
   */
  BAD_MAILBOX_NAME
}
