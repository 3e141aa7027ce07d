package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.policy.Decision;

/**
 * The SMTP session's reply table (PRODUCT.md "How it answers"; RFC 5321 4.2.2-4.2.3 codes with
 * RFC 3463 / RFC 5248 enhanced codes, RFC 4954 6 for AUTH, RFC 3207 for STARTTLS).
 */
final class SmtpReplies {
  private SmtpReplies() {}

  static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");
  static final SmtpReply MAIL_OK = SmtpReply.of(250, "2.1.0", "Sender OK");
  static final SmtpReply RCPT_OK = SmtpReply.of(250, "2.1.5", "Recipient OK");
  static final SmtpReply START_DATA = SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>");
  static final SmtpReply READY_FOR_TLS = SmtpReply.of(220, "2.0.0", "Ready to start TLS");
  static final SmtpReply AUTH_OK = SmtpReply.of(235, "2.7.0", "Authentication successful");
  static final SmtpReply VRFY = SmtpReply.of(252, "2.5.0",
      "Cannot VRFY user, but will accept message and attempt delivery");
  static final SmtpReply HELP = SmtpReply.of(214, "2.0.0",
      "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY STARTTLS AUTH HELP",
      "See RFC 5321");

  // ---- 4yz ----
  static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, "4.5.3", "Too many recipients");
  static final SmtpReply OTHER_ROUTE = SmtpReply.of(452, "4.5.3",
      "Recipient routed elsewhere: send it in another transaction");
  static final SmtpReply MAILBOX_FULL = SmtpReply.of(452, "4.2.2", "Mailbox full");
  /** A user who exists but whose mailbox the gateway has not set up yet (within a second of user add). */
  static final SmtpReply MAILBOX_NOT_READY = SmtpReply.of(450, "4.2.1", "Mailbox not ready yet, try again shortly");
  static final SmtpReply LOCAL_ERROR = SmtpReply.of(451, "4.3.0",
      "Local error in processing, try again later");
  static final SmtpReply TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout, closing connection");
  static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0",
      "Too many errors, closing connection");
  static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2",
      "Service shutting down, try again later");
  static final SmtpReply KICKED = SmtpReply.of(421, "4.3.2",
      "Disconnected by the administrator, try again later");

  // ---- 5yz ----
  static final SmtpReply UNKNOWN_COMMAND = SmtpReply.of(500, "5.5.1", "Command unrecognized");
  static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.6", "Line too long");
  static final SmtpReply BAD_LINE_ENDING = SmtpReply.of(500, "5.5.2",
      "Bare CR or LF in command line");
  static final SmtpReply TOO_MANY_PIPELINED = SmtpReply.of(500, "5.5.0",
      "Too many pipelined commands");
  static final SmtpReply SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax error in parameters");
  static final SmtpReply BAD_ENCODING = SmtpReply.of(501, "5.5.2", "Cannot decode response");
  static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, "5.5.1", "Command not implemented");
  static final SmtpReply HELO_FIRST = SmtpReply.of(503, "5.5.1", "Send HELO/EHLO first");
  static final SmtpReply NESTED_MAIL = SmtpReply.of(503, "5.5.1", "Nested MAIL command");
  static final SmtpReply MAIL_FIRST = SmtpReply.of(503, "5.5.1", "Need MAIL command");
  static final SmtpReply RCPT_FIRST = SmtpReply.of(503, "5.5.1", "Need RCPT command");
  static final SmtpReply NO_VALID_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");
  static final SmtpReply BAD_SEQUENCE = SmtpReply.of(503, "5.5.1", "Bad sequence of commands");
  static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, "5.5.1",
      "Already authenticated");
  static final SmtpReply AUTH_IN_TRANSACTION = SmtpReply.of(503, "5.5.1",
      "AUTH not permitted during a mail transaction");
  static final SmtpReply ALREADY_TLS = SmtpReply.of(503, "5.5.1", "TLS already active");
  static final SmtpReply UNKNOWN_MECHANISM = SmtpReply.of(504, "5.5.4",
      "Unrecognized authentication type");
  /** RFC 4954 4: a mechanism the account's backend cannot check (a token where it takes none). */
  static final SmtpReply MECHANISM_UNAVAILABLE = SmtpReply.of(504, "5.5.4",
      "Authentication mechanism not available for this account");
  static final SmtpReply AUTH_CANCELLED = SmtpReply.of(501, "5.0.0", "Authentication cancelled");
  static final SmtpReply AUTH_REQUIRED = SmtpReply.of(530, "5.7.0", "Authentication required");
  static final SmtpReply TLS_REQUIRED = SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");
  static final SmtpReply BAD_CREDENTIALS = SmtpReply.of(535, "5.7.8",
      "Authentication credentials invalid");
  static final SmtpReply AUTH_UNAVAILABLE = SmtpReply.of(454, "4.7.0",
      "Temporary authentication failure");
  static final SmtpReply UNKNOWN_USER = SmtpReply.of(550, "5.1.1", "No such user here");
  static final SmtpReply MESSAGE_TOO_BIG = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit");
  static final SmtpReply OVER_QUOTA = SmtpReply.of(552, "5.2.2", "Mailbox full");
  static final SmtpReply SENDER_NOT_OWNED = SmtpReply.of(553, "5.7.1",
      "Sender address not owned by the authenticated user");
  static final SmtpReply NON_ASCII_ADDRESS = SmtpReply.of(553, "5.6.7",
      "Non-ASCII address needs SMTPUTF8");
  static final SmtpReply RELAY_DENIED = SmtpReply.of(554, "5.7.1", "Relay access denied");
  static final SmtpReply NO_RELAY_ROUTE = SmtpReply.of(554, "5.7.1",
      "Relay access denied: no relay route");
  static final SmtpReply BARE_LINE_ENDING_IN_DATA = SmtpReply.of(550, "5.6.0",
      "Message contains bare CR or LF");
  static final SmtpReply RATE_LIMITED = SmtpReply.of(451, "4.7.1",
      "Rate limit exceeded, try again later");
  static final SmtpReply TOO_MANY_SESSIONS = SmtpReply.of(421, "4.7.0",
      "Too many sessions, closing connection");
  static final SmtpReply ACCESS_DENIED = SmtpReply.of(554, "5.7.1", "Access denied");
  static final SmtpReply UNSUPPORTED_PARAMETER = SmtpReply.of(555, "5.5.4",
      "Unsupported MAIL/RCPT parameter");

  /** The reply for a decoder failure (PRODUCT.md's table; RFC 5321 4.2.2). */
  static SmtpReply forFailure(DecodeFailure failure) {
    switch (failure.error()) {
      case LINE_TOO_LONG:
        return LINE_TOO_LONG;
      case BAD_LINE_ENDING:
        return BAD_LINE_ENDING;
      case MESSAGE_TOO_BIG:
      case CHUNK_TOO_BIG:
        return MESSAGE_TOO_BIG;
      case UNKNOWN_COMMAND:
        return UNKNOWN_COMMAND;
      case TOO_MANY_PIPELINED:
        return TOO_MANY_PIPELINED;
      case BAD_ENCODING:
        return BAD_ENCODING;
      default:
        return SYNTAX;
    }
  }

  /**
   * The reply for a policy refusal (PRODUCT.md's table). A locked-out (user, address) pair gets
   * the wrong-password reply, so a guesser learns nothing from it.
   */
  static SmtpReply forDeny(Decision.Deny deny) {
    return switch (deny.kind()) {
      case RATE_LIMIT -> RATE_LIMITED;
      case TOO_MANY_CONNECTIONS -> TOO_MANY_SESSIONS;
      case AUTH_THROTTLED -> BAD_CREDENTIALS;
      case TLS_REQUIRED -> TLS_REQUIRED;
      case TOO_BIG -> MESSAGE_TOO_BIG;
      case TOO_MANY_RECIPIENTS -> TOO_MANY_RECIPIENTS;
      case SENDER_MISMATCH -> SENDER_NOT_OWNED;
      case NETWORK_DENIED -> ACCESS_DENIED;
    };
  }
}
