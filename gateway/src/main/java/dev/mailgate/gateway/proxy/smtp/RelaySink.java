package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where an SMTP server session hands a mail transaction, in the shape of {@code
 * dev.mailgate.gateway.smtp.TransactionSink} (branch wt/smtpd, not yet on main when this was
 * written): {@link #begin} at an accepted MAIL FROM, {@link Transaction#recipient} per RCPT in order,
 * {@link Transaction#deliver} once with the dot-unstuffed content, or {@link Transaction#abort}.
 * Adapting is one small class: {@code begin(Envelope e)} builds a {@link RelayEnvelope} from {@code
 * e.sender()}, {@code e.parameters()} and {@link ClientFacts} from {@code e.session()}; {@code
 * recipient} wraps the reply in {@code RecipientVerdict.Accepted/Refused} by {@link
 * SmtpReply#isPositive()}; {@code deliver} and {@code abort} pass through.
 */
public interface RelaySink {

  /** Opens a transaction; cheap, the backend leg opens at the first recipient. */
  Transaction begin(RelayEnvelope envelope);

  /** One transaction. Calls do not overlap. */
  interface Transaction {

    /** The backend's reply to this recipient (positive: accepted). */
    Mono<SmtpReply> recipient(SmtpPath recipient, RcptParameters parameters);

    /**
     * Streams the content (plain octets, not dot-stuffed; every buffer is released) and completes
     * with the backend's final reply; a 4xx if the backend failed; content that errors voids the
     * transaction at the backend.
     */
    Mono<SmtpReply> deliver(Flux<ByteBuf> content);

    /** Gives up the transaction (RSET, QUIT, client gone). Idempotent. */
    Mono<Void> abort();
  }

  /**
   * The MAIL FROM of a transaction and who sent it.
   *
   * @param facts the client's facts for XCLIENT, or {@code null}
   * @param sender the reverse-path
   * @param parameters the MAIL parameters
   */
  record RelayEnvelope(ClientFacts facts, SmtpPath sender, MailParameters parameters) {
    public RelayEnvelope {
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(parameters, "parameters");
    }
  }
}
