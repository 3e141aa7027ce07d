package dev.mailgate.config.model;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.codec.pop3.Pop3Limits;
import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.policy.MailProtocol;
import java.time.Duration;

/**
 * The per-listener limits the gateway hands to the codecs and sessions. Defaults follow the
 * protocol's codec defaults ({@link SmtpLimits#DEFAULTS}, {@link ImapLimits#DEFAULTS},
 * {@link Pop3Limits#DEFAULTS}); {@link #smtpLimits()}, {@link #imapLimits()} and
 * {@link #pop3Limits()} build the codec records with these values applied.
 *
 * @param maxLineLength longest command line in bytes (SMTP 1000 per RFC 5321 section 4.5.3.1.6,
 *     IMAP 65536 (RFC 7162 section 4 asks at least 8192), POP3 255 per RFC 2449)
 * @param maxLiteralSize IMAP: largest literal before login (8KB); SMTP: longest AUTH line (12KB,
 *     RFC 4954); POP3: longest SASL line (8KB, RFC 5034)
 * @param maxMessageSize largest message (DATA, BDAT total, APPEND) in bytes (default 50MB; the
 *     effective limit is also bounded by {@code policies.messages.max_message_size})
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
    return switch (protocol) {
      case SMTP, SUBMISSION -> new ListenerLimits(SmtpLimits.DEFAULTS.maxCommandLineLength(),
          SmtpLimits.DEFAULTS.maxAuthLineLength(), DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_ERRORS,
          DEFAULT_PRE_LOGIN_TIMEOUT, defaultIdleTimeout(protocol));
      case IMAP -> new ListenerLimits(ImapLimits.DEFAULTS.maxLineLength(),
          ImapLimits.DEFAULTS.maxLiteralBeforeLogin(), DEFAULT_MAX_MESSAGE_SIZE,
          DEFAULT_MAX_ERRORS, DEFAULT_PRE_LOGIN_TIMEOUT, defaultIdleTimeout(protocol));
      case POP3 -> new ListenerLimits(Pop3Limits.DEFAULTS.maxCommandLineLength(),
          Pop3Limits.DEFAULTS.maxSaslLineLength(), DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_ERRORS,
          DEFAULT_PRE_LOGIN_TIMEOUT, defaultIdleTimeout(protocol));
    };
  }

  private static int clampInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }

  /** The SMTP codec limits with this listener's values (throws when out of the codec's range). */
  public SmtpLimits smtpLimits() {
    SmtpLimits d = SmtpLimits.DEFAULTS;
    return new SmtpLimits(maxLineLength, Math.max(maxLineLength, clampInt(maxLiteralSize)),
        maxMessageSize, maxMessageSize, d.maxEsmtpParameters(), d.maxPipelinedBytes(),
        maxErrors, d.maxReplyLineLength(), d.maxReplyLines(), d.allowBareLineEndingsInData());
  }

  /** The IMAP codec limits with this listener's values (throws when out of the codec's range). */
  public ImapLimits imapLimits() {
    ImapLimits d = ImapLimits.DEFAULTS;
    return new ImapLimits(maxLineLength, maxLiteralSize, Math.max(maxLiteralSize, maxMessageSize),
        Math.min(d.maxNonSyncLiteral(), maxLiteralSize), d.maxInlineLiteral(),
        d.maxLiteralsPerCommand(), Math.max(d.maxCommandBytes(), maxLineLength),
        d.maxNestingDepth(), d.maxListItems(), d.maxResponseLiteral());
  }

  /** The POP3 codec limits with this listener's values (throws when out of the codec's range). */
  public Pop3Limits pop3Limits() {
    Pop3Limits d = Pop3Limits.DEFAULTS;
    return new Pop3Limits(maxLineLength, d.maxArgumentLength(),
        Math.max(maxLineLength, clampInt(maxLiteralSize)), d.maxPipelinedCommands(),
        d.maxResponseLineLength());
  }
}
