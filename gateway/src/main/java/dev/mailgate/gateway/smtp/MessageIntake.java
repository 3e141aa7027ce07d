package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.smtp.BdatEnd;
import dev.mailgate.codec.smtp.DataEnd;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandDecoder;
import dev.mailgate.codec.smtp.SmtpContent;
import dev.mailgate.codec.smtp.SmtpDataDecoder;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.net.Immediate;
import dev.mailgate.policy.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The content half of a mail transaction for one {@link SmtpSession}: DATA (RFC 5321 4.1.1.4:
 * {@code 354}, content to {@code CRLF.CRLF}, dot-unstuffed by the codec) and BDAT (RFC 3030:
 * chunks answered {@code 250} each, the last with the delivery's reply). Content goes to the
 * transaction's sink through a {@link ContentPipe} as it arrives, with the {@code Received:}
 * header in front (and, for authenticated submission, the {@code Date:} and {@code Message-ID:}
 * it lacks: {@link SubmissionHeaderFields}); the final reply is the sink's, given only once the message is durable. A
 * message over SIZE or with bare line endings is read to its end, voided in the sink, and answered
 * {@code 552 5.3.4} / {@code 550 5.6.0}; a BDAT chunk outside a transaction is read and answered
 * {@code 503}.
 */
final class MessageIntake {
  private final SmtpSession s;
  private ContentPipe pipe;
  private FinalReply result;
  /** {@link #answer}, made once: a method reference per message was an allocation per message. */
  private final Function<SmtpReply, Mono<Void>> answer = this::answer;
  private boolean inData;
  private boolean inChunk;
  private SmtpReply chunkRefusal;
  /** Content octets received for the transaction (bytes-per-interval policies). */
  private long received;
  /** The last two octets of the BDAT content so far, to end an unterminated last line. */
  private int tail;
  private static final int CRLF = ('\r' << 8) | '\n';

  MessageIntake(SmtpSession session) {
    this.s = session;
  }

  /** Whether content for the current transaction has started (DATA accepted or a BDAT chunk). */
  boolean isOpen() {
    return pipe != null;
  }

  /** Whether the codec is reading DATA content or a BDAT chunk for this session. */
  boolean isReading() {
    return inData || inChunk;
  }

  Mono<Void> data() {
    SmtpReply refusal = s.envelope == null ? SmtpReplies.MAIL_FIRST
        : pipe != null ? SmtpReplies.BAD_SEQUENCE
        : s.recipients == 0 ? SmtpReplies.NO_VALID_RECIPIENTS : null;
    if (refusal != null) {
      s.resumeCommands();
      return s.fail(refusal);
    }
    SmtpCommandDecoder d = s.decoder();
    // Relayed as received when the sink writes it to a backend's DATA: no unstuffing here and
    // stuffing again there. Only while the decoder voids content with a bare CR or LF, so that
    // the relayed lines end where the client's did (SMTP smuggling).
    boolean stuffed = d != null && d.refusesBareLineEndings() && s.tx.takesDotStuffed();
    open(stuffed);
    inData = true;
    Mono<Void> sent = s.send(SmtpReplies.START_DATA);
    if (d != null) {
      d.startData(stuffed ? SmtpDataDecoder.Mode.PASS_THROUGH : SmtpDataDecoder.Mode.UNSTUFF);
    }
    return sent;
  }

  Mono<Void> bdat(SmtpCommand.Bdat b) {
    inChunk = true;
    chunkRefusal = s.envelope == null ? SmtpReplies.MAIL_FIRST
        : s.recipients == 0 ? SmtpReplies.NO_VALID_RECIPIENTS : null;
    if (chunkRefusal == null && pipe == null) {
      open(false);
    }
    return Mono.empty(); // the chunk's octets follow at once; answered at its end
  }

  Mono<Void> content(SmtpContent c) {
    if (pipe == null || chunkRefusal != null) {
      return Mono.empty();
    }
    ByteBuf b = c.content();
    received += b.readableBytes();
    if (inChunk && b.isReadable()) {
      int n = b.readableBytes();
      int last = b.getUnsignedByte(b.writerIndex() - 1);
      int before = n > 1 ? b.getUnsignedByte(b.writerIndex() - 2) : tail & 0xff;
      tail = (before << 8) | last;
    }
    return pipe.offer(b.retain());
  }

  Mono<Void> dataEnd(DataEnd end) {
    inData = false;
    received = end.size(); // the message's octets, stuffing dots not counted in either mode
    return finish();
  }

  Mono<Void> bdatEnd(BdatEnd e) {
    inChunk = false;
    if (chunkRefusal != null) {
      SmtpReply r = chunkRefusal;
      chunkRefusal = null;
      return s.fail(r);
    }
    if (!e.last()) {
      return s.send(SmtpReply.of(250, "2.0.0", e.size() + " octets received"));
    }
    if (received > 0 && tail != CRLF) {
      // BDAT carries octets, not lines (RFC 3030 2), so a message may stop mid-line; a message's
      // lines end in CRLF (RFC 5322 2.1), and POP3 and the DATA relay would add one anyway, which
      // would make a stored message's size differ from what RETR sends. End it here, as Postfix does.
      // offer's Mono completes on the session's loop (ContentPipe), where finish must run
      return pipe.offer(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'})).then(Mono.defer(this::finish));
    }
    return finish();
  }

  /** The codec voided the message (too big, bare CR/LF): it has been read to its end. */
  Mono<Void> failed(DecodeFailure f) {
    boolean refusedChunk = chunkRefusal != null;
    inData = false;
    inChunk = false;
    chunkRefusal = null;
    if (!refusedChunk) {
      s.resetTransaction(); // voids the content in the sink too
    }
    return s.fail(f.error() == ProtocolError.BAD_LINE_ENDING
        ? SmtpReplies.BARE_LINE_ENDING_IN_DATA : SmtpReplies.forFailure(f));
  }

  /** Tells the sink the content is void (reset, close); the session then clears the transaction. */
  void abort(String why) {
    if (pipe != null) {
      pipe.fail(new ContentAborted(why));
    }
  }

  void clear() {
    pipe = null;
    result = null;
    inData = false;
    received = 0;
    tail = 0;
  }

  /**
   * Opens the sink's content stream, with the {@code Received:} header first (RFC 5321 4.4); its
   * lines never start with a dot, so it reads the same dot-stuffed or not.
   */
  private void open(boolean dotStuffed) {
    String received = TraceHeaders.received(s.envelope, s.recipients == 1 ? s.firstRecipient : null);
    Flux<ByteBuf> content;
    if (s.settings.completesSubmissions() && s.envelope.session().submission()
        && s.envelope.session().isAuthenticated()) {
      pipe = new ContentPipe(s.ch.eventLoop());
      content = Flux.concat(
          Mono.fromSupplier(() -> ByteBufUtil.writeUtf8(s.ch.alloc(), received)),
          new SubmissionHeaderFields(s.ch.alloc(), s.envelope).apply(pipe.flux()));
    } else {
      // the pipe's first piece: no concatenating operator per message. From the connection's pooled
      // allocator: an unpooled heap copy cost an allocation sized for three bytes a character, and
      // a copy into a direct buffer again when written to the backend.
      pipe = new ContentPipe(s.ch.eventLoop(), ByteBufUtil.writeUtf8(s.ch.alloc(), received));
      content = pipe.flux();
    }
    // Subscribed now, so that the sink takes content as it arrives; joined at the end of it.
    result = new FinalReply(s.ch.eventLoop());
    (dotStuffed ? s.tx.deliverDotStuffed(content) : s.tx.deliver(content)).subscribe(result);
  }

  /**
   * The content is complete: the message policies (size, bytes per interval) decide before the
   * sink may deliver it; a refused message is voided in the sink and never acknowledged.
   */
  private Mono<Void> finish() {
    return Immediate.flatMap(s.policies.data(received), d -> {
      if (d instanceof Decision.Deny deny) {
        s.resetTransaction();
        return s.send(SmtpReplies.forDeny(deny));
      }
      pipe.complete();
      return result.join(answer);
    });
  }

  /** The sink's final reply goes to the client: the transaction is over. */
  private Mono<Void> answer(SmtpReply reply) {
    s.countMessage(reply);
    s.endTransaction();
    return s.send(reply);
  }
}
