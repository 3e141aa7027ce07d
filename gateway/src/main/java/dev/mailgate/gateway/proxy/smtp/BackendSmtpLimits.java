package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the backend leg of an SMTP relay. The timeouts follow RFC 5321 4.5.3.2, shortened
 * because the backend is a nearby server, not an arbitrary MX.
 *
 * @param greetingTimeout the 220 greeting (and the new greeting after XCLIENT); RFC: 5 min
 * @param commandTimeout the reply to EHLO, STARTTLS, AUTH, MAIL, RCPT, RSET, DATA, a BDAT chunk
 * @param dataEndTimeout the final reply after {@code .CRLF} or {@code BDAT LAST}; RFC: 10 min
 * @param maxQueuedReplies replies the backend may send ahead of the commands that await them (a
 *     pipelined envelope needs 1 + recipients); more is a protocol violation and ends the session
 * @param codec the reply decoder's bounds (line length, lines per reply)
 */
public record BackendSmtpLimits(
    Duration greetingTimeout,
    Duration commandTimeout,
    Duration dataEndTimeout,
    int maxQueuedReplies,
    SmtpLimits codec) {

  public static final BackendSmtpLimits DEFAULTS =
      new BackendSmtpLimits(
          Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(10), 1100, SmtpLimits.DEFAULTS);

  public BackendSmtpLimits {
    positive("greetingTimeout", greetingTimeout);
    positive("commandTimeout", commandTimeout);
    positive("dataEndTimeout", dataEndTimeout);
    if (maxQueuedReplies < 2 || maxQueuedReplies > 100_000) {
      throw new IllegalArgumentException("maxQueuedReplies must be in [2, 100000], was " + maxQueuedReplies);
    }
    Objects.requireNonNull(codec, "codec");
  }

  public BackendSmtpLimits withTimeouts(Duration greeting, Duration command, Duration dataEnd) {
    return new BackendSmtpLimits(greeting, command, dataEnd, maxQueuedReplies, codec);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
