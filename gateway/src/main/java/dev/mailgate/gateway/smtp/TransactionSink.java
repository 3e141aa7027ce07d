package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the SMTP session hands an accepted mail transaction (DESIGN.md "SMTP is relayed per
 * transaction"): local delivery into the mailbox tier ({@link LocalDeliverySink}) or, later, a
 * backend relay. The session owns the wire (syntax, sequence, AUTH, relay policy, SIZE, limits);
 * a sink only decides recipients and carries the content to where it is durable.
 *
 * <p>Life of a transaction, all signals arriving on any thread (the session hops back to its
 * event loop):
 *
 * <ol>
 *   <li>{@link #begin} when the session routes the first recipient of an accepted MAIL FROM to this
 *       sink; must be cheap (a relay sink opens its backend session lazily here or at the first
 *       recipient);
 *   <li>{@link Transaction#recipient} per RCPT, in order, one at a time;
 *   <li>{@link Transaction#deliver} once, at DATA (after the 354) or the first BDAT chunk; the
 *       content is the message as the client sent it, dot-unstuffed, with the session's
 *       {@code Received:} header first. The sink requests buffers as it can take them (this is the
 *       backpressure on the client's socket), and <b>owns every buffer it receives: it releases
 *       each one</b>. The content Flux errors if the client's message fails (too big, bare line
 *       endings, connection lost): the sink must then abort, keeping nothing. The Mono completes
 *       with the final reply to the client, a 250 <b>only once the message is durable</b> for
 *       every accepted recipient (fsynced in the store, or a backend's 250);
 *   <li>{@link Transaction#abort} instead of (or after a failed) deliver: RSET, a new MAIL after
 *       failure, STARTTLS, QUIT, connection loss. Idempotent.
 * </ol>
 */
public interface TransactionSink {

  /** Opens a transaction for an accepted MAIL FROM. Never null; must not block. */
  Transaction begin(Envelope envelope);

  /**
   * The client's session is over (QUIT or connection lost): whatever the sink keeps for that
   * session's next transaction (a relay's open backend session) can go now. {@code session} is the
   * {@link Envelope#session()} of the session's last transaction with this sink. Must not block;
   * called on the session's event loop after its last transaction ended or was aborted.
   */
  default void sessionEnded(SessionFacts session) {}

  /** One mail transaction's state inside the sink. */
  interface Transaction {

    /**
     * Decides one recipient (already syntax- and relay-checked by the session). Refusals use the
     * standard codes: {@code 550 5.1.1} unknown user, {@code 452 4.2.2} mailbox full, ...
     */
    Mono<RecipientVerdict> recipient(SmtpPath recipient, RcptParameters parameters);

    /** Streams the message to durability; see the interface notes for buffer ownership. */
    Mono<SmtpReply> deliver(Flux<ByteBuf> content);

    /**
     * Whether DATA content may come as the client sent it, still dot-stuffed ({@link
     * #deliverDotStuffed}): a relay that writes it to a backend's DATA as is saves unstuffing and
     * stuffing it again. Asked once per transaction, at DATA; BDAT content always goes to {@link
     * #deliver}.
     */
    default boolean takesDotStuffed() {
      return false;
    }

    /**
     * As {@link #deliver}, but the content is dot-stuffed (RFC 5321 4.5.2) exactly as the client
     * sent it, without the final {@code .CRLF}: after the {@code Received:} header, the client's
     * content, which ends with CRLF and, the session's decoder having refused bare CR and LF, holds
     * no line ending but CRLF. Called only when {@link #takesDotStuffed()}.
     */
    default Mono<SmtpReply> deliverDotStuffed(Flux<ByteBuf> content) {
      throw new UnsupportedOperationException("this sink takes dot-unstuffed content only");
    }

    /** Gives up the transaction, releasing whatever it holds. */
    Mono<Void> abort();

    /**
     * The backend this transaction is relayed to once a recipient opened it (for {@code GET
     * /sessions} and the session log line); null for the local tier or before any backend.
     */
    default String backend() {
      return null;
    }
  }
}
