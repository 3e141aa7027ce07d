package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.EhloCapabilities;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandEncoder;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One open SMTP session with a backend, running the client's transactions one after another (RFC
 * 5321 3.3): {@link #envelope} (MAIL and RCPTs, pipelined when the backend has PIPELINING, RFC
 * 2920), then either {@link #beginData()} and {@link #data} (DATA, content streamed as the client's
 * dot-stuffed bytes) or {@link #bdat} per chunk (BDAT when the backend has CHUNKING, RFC 3030; else
 * converted to DATA). The next {@link #envelope} sends RSET first unless the last transaction got
 * its final reply to the end of its content; {@link #quit()} ends the session.
 *
 * <p>Never a success the backend did not give: when the connection fails, closes or times out
 * inside a transaction, the reply is {@link BackendReplies#LOST} ({@code 451 4.4.1}), the connection
 * is closed and {@link #usable()} turns false (open a new session for the next transaction). The
 * single exception, documented at {@link #bdat}, is the acknowledgement of a non-final chunk being
 * converted to DATA, which accepts no message.
 *
 * <p>Calls must not overlap: one command group at a time, each awaiting the previous result.
 */
public final class SmtpTransactionClient {

  private static final Logger LOG = LoggerFactory.getLogger(SmtpTransactionClient.class);

  private final SmtpWire wire;
  private final EhloCapabilities capabilities;
  private final EnvelopeAdapter adapter;
  /**
   * The session carries nothing of one client (no XCLIENT was sent, no AUTH): any client's
   * transaction may run on it.
   */
  private final boolean anonymous;
  /**
   * A transaction began and the backend may still hold some of it: the next envelope sends RSET
   * first. The final reply to the end of a message's content clears it: the backend has then
   * cleared its buffers whatever the reply (RFC 5321 4.1.1.4, RFC 3030 2), so a relayed message
   * followed by the next one needs no RSET, one reply and its parsing less per message.
   */
  private boolean usedBefore;
  /** BDAT converted to DATA: the stuffer of the message in progress, or null. */
  private DotStuffer converting;
  /** BDAT converted to DATA: the failure that every further chunk of this message gets. */
  private SmtpReply chunkFailure;
  /** The relay's record of this session in its pool of idle ones, once parked ({@link BackendRelaySink}). */
  volatile ParkedSession parking;

  SmtpTransactionClient(SmtpWire wire, EhloCapabilities capabilities, boolean anonymous) {
    this.wire = wire;
    this.capabilities = capabilities;
    this.anonymous = anonymous;
    this.adapter = new EnvelopeAdapter(capabilities);
  }

  /** What the backend advertised after the last EHLO (post-STARTTLS, post-XCLIENT). */
  public EhloCapabilities capabilities() {
    return capabilities;
  }

  public Backend backend() {
    return wire.connection().backend();
  }

  /** The backend connection's event loop (timers of this session run there). */
  io.netty.channel.EventLoop eventLoop() {
    return wire.connection().connection().channel().eventLoop();
  }

  /** Whether the backend knows nothing of the client (no XCLIENT, no AUTH): shareable between clients. */
  public boolean anonymous() {
    return anonymous;
  }

  /** Whether another transaction may run on this session. */
  public boolean usable() {
    return !wire.broken();
  }

  /**
   * MAIL FROM and every RCPT TO; the result has one reply per recipient, in order. Parameters the
   * backend did not advertise are dropped (SIZE, AUTH, DSN's RET/ENVID/NOTIFY/ORCPT); what cannot be
   * dropped without changing the message (SMTPUTF8, BODY=8BITMIME/BINARYMIME) is refused here.
   */
  public Mono<EnvelopeReplies> envelope(SmtpCommand.Mail mail, List<SmtpCommand.Rcpt> recipients) {
    SmtpReply refusal = adapter.refusal(mail.parameters());
    if (refusal != null) {
      return Mono.just(new EnvelopeReplies(refusal, recipients.stream().map(r -> BackendReplies.NEED_MAIL).toList()));
    }
    SmtpCommand.Mail m = new SmtpCommand.Mail(mail.from(), adapter.mail(mail.parameters()));
    List<SmtpCommand.Rcpt> rs = new ArrayList<>(recipients.size());
    for (SmtpCommand.Rcpt r : recipients) {
      rs.add(new SmtpCommand.Rcpt(r.to(), adapter.rcpt(r.parameters())));
    }
    if (capabilities.pipelining()) {
      return new PipelinedEnvelope(this, wire, m, rs);
    }
    return Mono.defer(() -> stepwise(startTransaction(), m, rs)).onErrorResume(e -> {
      lost(e);
      return Mono.just(new EnvelopeReplies(BackendReplies.LOST, rs.stream().map(r -> BackendReplies.LOST).toList()));
    });
  }

  /**
   * A transaction starts (when its envelope is subscribed to): whether RSET must go first, because
   * the backend may still hold some of the previous one.
   */
  boolean startTransaction() {
    boolean rset = usedBefore;
    usedBefore = true;
    converting = null;
    chunkFailure = null;
    return rset;
  }

  private Mono<EnvelopeReplies> stepwise(boolean rset, SmtpCommand.Mail mail, List<SmtpCommand.Rcpt> rcpts) {
    Mono<Void> reset = rset ? wire.exchange(new SmtpCommand.Rset()).flatMap(this::requireReset) : Mono.empty();
    return reset.then(wire.exchange(mail))
        .flatMap(mailReply -> {
          if (!mailReply.isPositive()) {
            return Mono.just(new EnvelopeReplies(mailReply, rcpts.stream().map(r -> BackendReplies.NEED_MAIL).toList()));
          }
          return Flux.fromIterable(rcpts).concatMap(wire::exchange).collectList()
              .map(rcptReplies -> new EnvelopeReplies(mailReply, rcptReplies));
        });
  }

  private Mono<Void> requireReset(SmtpReply reply) {
    return reply.code() == 250 ? Mono.empty()
        : Mono.error(new ReplyReader.BackendProtocolError("backend refused RSET: " + reply.code()));
  }

  /**
   * Sends DATA (RFC 5321 4.1.1.4); the reply is the backend's: {@code 354} means {@link #data} may
   * follow (and the gateway answers its client 354), anything else ends the transaction.
   */
  public Mono<SmtpReply> beginData() {
    return wire.exchange(new SmtpCommand.Data())
        .onErrorResume(e -> Mono.just(lost(e)));
  }

  /**
   * Streams the message after a 354: {@code content} is the client's content exactly as received,
   * dot-stuffing included, ending with CRLF (the DATA decoder's PASS_THROUGH mode); this writes it
   * as it arrives, with the socket's backpressure, then {@code .CRLF}, and returns the backend's
   * final reply. The buffers are released once written. If {@code content} fails (the client went
   * away, or broke a limit) the backend connection is closed without {@code .CRLF}, so the backend
   * accepts nothing, and the reply is {@link BackendReplies#LOST}.
   */
  public Mono<SmtpReply> data(Publisher<ByteBuf> content) {
    Flux<ByteBuf> message = Flux.from(content).concatWith(Mono.fromSupplier(SmtpCommandEncoder::endOfData));
    return finalReply(wire.write(message));
  }

  /**
   * One more RCPT TO in the open transaction (after {@link #envelope}); the backend's reply, or
   * {@link BackendReplies#LOST} when the connection fails.
   */
  public Mono<SmtpReply> recipient(SmtpCommand.Rcpt rcpt) {
    return Mono.defer(() -> wire.exchange(new SmtpCommand.Rcpt(rcpt.to(), adapter.rcpt(rcpt.parameters()))))
        .onErrorResume(e -> Mono.just(lost(e)));
  }

  /**
   * The whole message from its plain octets (not dot-stuffed, e.g. the SMTP session's dot-unstuffed
   * content or a local store's file), always consumed: DATA, then the content dot-stuffed on the fly
   * ({@link DotStuffer}, streamed with backpressure) and {@code .CRLF}; the backend's final reply.
   * Not for {@code BODY=BINARYMIME}, which only BDAT carries (use {@link #bdat}).
   * A reply other than 354 to DATA is returned as is. Bare CR or LF in the content aborts the
   * backend transaction ({@link BackendReplies#BARE_LINE_ENDING}).
   */
  public Mono<SmtpReply> message(Publisher<ByteBuf> content) {
    return beginData().flatMap(go -> {
      if (go.code() != 354) {
        return drain(content).thenReturn(go);
      }
      DotStuffer stuffer = new DotStuffer();
      var alloc = wire.connection().connection().channel().alloc();
      Flux<ByteBuf> stuffed = Flux.from(content).map(b -> stuffer.stuff(b, alloc))
          .concatWith(Mono.fromSupplier(stuffer::finish));
      return finalReply(wire.write(stuffed));
    });
  }

  /**
   * The whole message from content already dot-stuffed and ending with CRLF (the client's DATA
   * content as the decoder's PASS_THROUGH mode gives it), always consumed: DATA, then {@link #data}.
   * A reply other than 354 to DATA is returned as is.
   */
  public Mono<SmtpReply> dotStuffedMessage(Publisher<ByteBuf> content) {
    return new DotStuffedData(this, wire, content);
  }

  /**
   * One BDAT chunk (RFC 3030 2) of {@code size} octets, always consumed (written or released).
   * With CHUNKING at the backend it is relayed as {@code BDAT size [LAST]} and the reply is the
   * backend's. Without, the first chunk opens DATA, the chunks are dot-stuffed ({@link DotStuffer})
   * into the DATA stream, and the LAST chunk gets the backend's final reply; a non-final chunk is
   * acknowledged {@code 250 2.0.0} by the gateway (the backend gives no reply per chunk in DATA; this
   * accepts bytes, never the message). A bare CR or LF in converted content aborts the backend
   * transaction and is refused ({@link BackendReplies#BARE_LINE_ENDING}).
   */
  public Mono<SmtpReply> bdat(long size, boolean last, Publisher<ByteBuf> chunk) {
    if (capabilities.chunking()) {
      return bdatNative(size, last, chunk);
    }
    return Mono.defer(() -> {
      if (chunkFailure != null) {
        return drain(chunk).thenReturn(chunkFailure);
      }
      Mono<SmtpReply> open = converting != null ? Mono.just(new SmtpReply(354, "continue"))
          : beginData().doOnNext(r -> {
              if (r.code() == 354) {
                converting = new DotStuffer();
              }
            });
      return open.flatMap(r -> r.code() != 354 ? failChunks(r, chunk) : convertChunk(size, last, chunk));
    });
  }

  private Mono<SmtpReply> bdatNative(long size, boolean last, Publisher<ByteBuf> chunk) {
    return Mono.defer(() -> {
      ByteBuf header = wire.connection().connection().channel().alloc().buffer(32);
      SmtpCommandEncoder.encode(new SmtpCommand.Bdat(size, last), header);
      Flux<ByteBuf> bytes = Flux.concat(Mono.just(header), Flux.from(chunk));
      Mono<SmtpReply> reply = last ? finalReply(wire.write(bytes))
          : wire.write(bytes).then(wire.reply()).onErrorResume(e -> Mono.just(lost(e)));
      return reply;
    });
  }

  private Mono<SmtpReply> convertChunk(long size, boolean last, Publisher<ByteBuf> chunk) {
    DotStuffer stuffer = converting;
    var alloc = wire.connection().connection().channel().alloc();
    Flux<ByteBuf> stuffed = Flux.from(chunk).map(b -> stuffer.stuff(b, alloc));
    if (!last) {
      return wire.write(stuffed)
          .then(Mono.just(SmtpReply.of(250, "2.0.0", size + " octets received")))
          .onErrorResume(e -> Mono.just(abortConversion(e)));
    }
    converting = null;
    return finalReply(wire.write(stuffed.concatWith(Mono.fromSupplier(stuffer::finish))));
  }

  /** The transaction is void: the connection is closed, this and later chunks get the reply. */
  SmtpReply abortConversion(Throwable e) {
    SmtpReply reply = e instanceof DotStuffer.BareLineEnding ? BackendReplies.BARE_LINE_ENDING : BackendReplies.LOST;
    lost(e);
    chunkFailure = reply;
    return reply;
  }

  private Mono<SmtpReply> failChunks(SmtpReply reply, Publisher<ByteBuf> chunk) {
    chunkFailure = reply;
    return drain(chunk).thenReturn(reply);
  }

  private static Mono<Void> drain(Publisher<ByteBuf> chunk) {
    return Flux.from(chunk).doOnNext(ReferenceCountUtil::release).then();
  }

  /** Writes the end of the message and awaits the final reply within the data-end timeout. */
  private Mono<SmtpReply> finalReply(Mono<Void> written) {
    return written.then(wire.reply(wire.limits().dataEndTimeout()))
        .doOnNext(r -> contentEnded())
        .onErrorResume(e -> Mono.just(abortConversion(e)));
  }

  /** RSET (RFC 5321 4.1.1.5): ends the current transaction, keeps the session. */
  public Mono<SmtpReply> rset() {
    return wire.exchange(new SmtpCommand.Rset())
        .doOnNext(r -> {
          usedBefore = false;
          converting = null;
          chunkFailure = null;
        })
        .onErrorResume(e -> Mono.just(lost(e)));
  }

  /** QUIT (RFC 5321 4.1.1.10), then closes; never fails. */
  public Mono<Void> quit() {
    if (wire.broken()) {
      wire.close();
      return Mono.empty();
    }
    return wire.exchange(new SmtpCommand.Quit())
        .onErrorResume(e -> Mono.empty())
        .then(Mono.fromRunnable(wire::close))
        .doOnCancel(wire::close)
        .then();
  }

  /** Closes at once (the client vanished mid-transaction): the backend sees no end of data. */
  public void abort() {
    wire.close();
  }

  /** The final reply to the end of a message's content came: the backend holds nothing of it. */
  void contentEnded() {
    usedBefore = false;
  }

  /** The connection is given up (closed) inside a transaction; the reply the client then gets. */
  SmtpReply lost(Throwable e) {
    LOG.info("backend {}: transaction lost: {}", backend().name(), e.toString());
    wire.close();
    return BackendReplies.LOST;
  }
}
