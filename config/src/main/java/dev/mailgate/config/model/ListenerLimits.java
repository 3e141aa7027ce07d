package dev.mailgate.config.model;

import dev.mailgate.policy.MailProtocol;
import java.time.Duration;

/**
 * The per-listener limits the gateway hands to the codecs and sessions.
 *
 * @param maxLineLength longest command line in bytes, CRLF included (default 8192, RFC 7162
 *     section 4 recommends at least 8192 for IMAP; RFC 5321 requires at least 512 for SMTP)
 * @param maxLiteralSize largest IMAP literal or SASL response accepted before login (default 64KB)
 * @param maxMessageSize largest message (DATA, BDAT total, APPEND) in bytes (default 50MB)
 * @param maxErrors protocol errors before the session is closed (like nginx's max_errors;
 *     default 10)
 * @param preLoginTimeout time allowed from connect to a successful login (default 60s)
 * @param idleTimeout inactivity allowed (defaults: IMAP 30m per RFC 9051 section 5.4, POP3 10m per
 *     RFC 1939, SMTP 5m per RFC 5321 section 4.5.3.2.7)
 */
public record ListenerLimits(
    int maxLineLength,
    long maxLiteralSize,
    long maxMessageSize,
    int maxErrors,
    Duration preLoginTimeout,
    Duration idleTimeout) {

  public static final int DEFAULT_MAX_LINE_LENGTH = 8192;
  public static final long DEFAULT_MAX_LITERAL_SIZE = 64 * 1024;
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 50L * 1024 * 1024;
  public static final int DEFAULT_MAX_ERRORS = 10;
  public static final Duration DEFAULT_PRE_LOGIN_TIMEOUT = Duration.ofSeconds(60);

  /** The protocol's default idle timeout. */
  public static Duration defaultIdleTimeout(MailProtocol protocol) {
    return switch (protocol) {
      case IMAP -> Duration.ofMinutes(30);
      case POP3 -> Duration.ofMinutes(10);
      case SMTP, SUBMISSION -> Duration.ofMinutes(5);
    };
  }

  public static ListenerLimits defaults(MailProtocol protocol) {
    return new ListenerLimits(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_LITERAL_SIZE,
        DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_ERRORS, DEFAULT_PRE_LOGIN_TIMEOUT,
        defaultIdleTimeout(protocol));
  }
}
