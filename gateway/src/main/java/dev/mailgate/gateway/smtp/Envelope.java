package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import java.time.Instant;
import java.util.Objects;

/**
 * One SMTP mail transaction as accepted at {@code MAIL FROM} (RFC 5321 3.3): who is sending, over
 * what session, and the transaction's id (for logs and the {@code Received:} header). Recipients
 * are handed to the {@link TransactionSink.Transaction} one at a time.
 *
 * @param id a short unique transaction id
 * @param session the session facts at MAIL time
 * @param sender the reverse-path ({@link SmtpPath#NULL} for bounces)
 * @param parameters the MAIL parameters (SIZE, BODY, SMTPUTF8 ...)
 * @param started when MAIL was accepted
 */
public record Envelope(
    String id, SessionFacts session, SmtpPath sender, MailParameters parameters, Instant started) {

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(started, "started");
  }
}
