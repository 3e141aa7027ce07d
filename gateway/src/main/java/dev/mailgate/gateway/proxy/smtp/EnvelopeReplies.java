package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpReply;
import java.util.List;
import java.util.Objects;

/**
 * The backend's replies to MAIL FROM and to each RCPT TO, in the order sent, so the client sees the
 * backend's own reply per recipient (RFC 5321 4.1.1.3).
 */
public record EnvelopeReplies(SmtpReply mail, List<SmtpReply> recipients) {

  public EnvelopeReplies {
    Objects.requireNonNull(mail, "mail");
    recipients = List.copyOf(recipients);
  }

  /** Whether the backend accepted at least one recipient (so DATA/BDAT may follow). */
  public boolean anyRecipientAccepted() {
    return mail.isPositive() && recipients.stream().anyMatch(SmtpReply::isPositive);
  }
}
