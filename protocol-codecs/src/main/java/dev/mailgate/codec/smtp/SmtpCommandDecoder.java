package dev.mailgate.codec.smtp;

import dev.mailgate.codec.CrlfLineScanner;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The server side of an SMTP connection (RFC 5321 2.4, 4.1): decodes command lines to
 * {@link SmtpCommand}s, DATA content ({@link SmtpDataDecoder}) and BDAT chunks
 * ({@link BdatChunkDecoder}) to {@link SmtpContent} + {@link DataEnd} / {@link BdatEnd}, and bad
 * input to {@link DecodeFailure}.
 *
 * <p><b>Lines.</b> Only CRLF ends a line. A bare CR or LF makes the whole line up to the next CRLF
 * a BAD_LINE_ENDING (it is never split into two commands). A line longer than
 * {@link SmtpLimits#maxCommandLineLength()} (AUTH: {@link SmtpLimits#maxAuthLineLength()}) gives
 * LINE_TOO_LONG at once and is then dropped, unbuffered, up to the next CRLF. An over-long AUTH
 * response ends the exchange (the session answers 500 5.5.6, RFC 4954 4): the decoder does not
 * pause after it but decodes commands again once the line is dropped.
 *
 * <p><b>Pipelining (RFC 2920).</b> One command is decoded at a time and passed on before the next
 * is looked at, so a session that reacts synchronously sees the bytes after a command in the mode
 * it chose. After {@code DATA}, {@code AUTH}, an {@link SmtpCommand.AuthResponse} (or one that
 * failed but for its length) and {@code STARTTLS} the decoder <em>pauses</em>: it buffers but
 * decodes nothing until the
 * session calls, on the event loop, one of {@link #startData()}, {@link #expectAuthResponse()},
 * {@link #resumeCommands()} or {@link #discardBufferedAndResume()}; then it decodes what it
 * buffered in the chosen mode, right away if called while the paused command is being handled, or
 * in a task on the channel's executor otherwise. {@code BDAT n} needs no decision: its n octets
 * always follow (RFC 3030), so the decoder reads them at once.
 *
 * <p><b>Backpressure.</b> RFC 2920 3.1: a server must answer every pipelined command, in order;
 * dropping part of a flood is not an option. The session calls {@link #messageHandled()} after
 * each message it handled; once {@link SmtpLimits#maxPipelinedBytes()} octets of command lines are
 * passed on and unanswered ({@link PipelineBudget}), or as many are buffered while paused, the
 * decoder decodes nothing more and turns the channel's auto-read off, so the rest of the flood
 * waits in the client's socket; the acknowledgements turn it back on. Held bytes are thus one read
 * at most, and a flood of any length is answered in full.
 *
 * <p><b>Limits.</b> After {@link SmtpLimits#maxErrors()} failed lines the decoder drops all further
 * input and {@link #tooManyErrors()} turns true: the session answers 421 and closes.
 */
public final class SmtpCommandDecoder extends ByteToMessageDecoder {
  private enum Mode { COMMAND, AUTH_RESPONSE, PAUSED, DISCARD_LINE, DATA, BDAT, CLOSED }

  private final SmtpLimits limits;
  private final SmtpCommandParser parser;
  private final SmtpDataDecoder data;
  private final BdatChunkDecoder bdat = new BdatChunkDecoder();
  private final PipelineBudget pipelined;
  /** This decoder turned auto-read off (and must turn it back on). */
  private boolean readsStopped;

  private Mode mode = Mode.COMMAND;
  private Mode afterDiscard = Mode.COMMAND;
  private final CrlfLineScanner lines = CrlfLineScanner.smtp();
  private byte[] line;
  private int errors;
  private long bdatTotal;
  private boolean inCallDecode;
  private ChannelHandlerContext ctx;

  public SmtpCommandDecoder(SmtpLimits limits, SmtpDataDecoder.Mode dataMode) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.parser = new SmtpCommandParser(limits);
    this.data = new SmtpDataDecoder(dataMode, limits);
    this.line = new byte[limits.maxCommandLineLength()];
    this.pipelined = new PipelineBudget(limits.maxPipelinedBytes());
  }

  public SmtpCommandDecoder() {
    this(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH);
  }

  // ---- the session's side -------------------------------------------------------------------

  /** DATA was accepted (354 sent): what follows is content up to {@code CRLF.CRLF}. */
  public void startData() {
    data.reset();
    switchTo(Mode.DATA);
  }

  /**
   * As {@link #startData()}, this message in {@code dataMode} (the next ones too, until changed):
   * PASS_THROUGH when the content goes to a backend as received, UNSTUFF for a local store.
   */
  public void startData(SmtpDataDecoder.Mode dataMode) {
    data.mode(dataMode);
    startData();
  }

  /** Whether a bare CR or LF voids DATA content (the default): relayed content then never has one. */
  public boolean refusesBareLineEndings() {
    return !limits.allowBareLineEndingsInData();
  }

  /** A 334 challenge was sent: the next line is an {@link SmtpCommand.AuthResponse}. */
  public void expectAuthResponse() {
    switchTo(Mode.AUTH_RESPONSE);
  }

  /** DATA, AUTH, an AUTH response or STARTTLS got a final reply: decode commands again. */
  public void resumeCommands() {
    switchTo(Mode.COMMAND);
  }

  /**
   * STARTTLS was answered 220 and the TLS handler installed: anything the client sent after
   * STARTTLS in plaintext is dropped (CVE-2011-0411), then commands are decoded again.
   */
  public void discardBufferedAndResume() {
    ByteBuf buffered = internalBuffer();
    buffered.skipBytes(buffered.readableBytes());
    switchTo(Mode.COMMAND);
  }

  /** Whether the decoder waits for the session to choose a mode. */
  public boolean isPaused() {
    return mode == Mode.PAUSED;
  }

  /** Whether the decoder is reading DATA content or a BDAT chunk. */
  public boolean isReadingContent() {
    return mode == Mode.DATA || mode == Mode.BDAT;
  }

  /** Whether {@link SmtpLimits#maxErrors()} was reached; all input is dropped from then on. */
  public boolean tooManyErrors() {
    return mode == Mode.CLOSED;
  }

  /** Bytes held between reads (for tests asserting the bound). */
  int bufferedBytes() {
    ByteBuf b = internalBuffer();
    return b.readableBytes();
  }

  public int errors() {
    return errors;
  }

  /**
   * The session has handled (answered) the oldest message this decoder emitted that it had not yet
   * acknowledged. Call once per message, on the event loop; when decoding was held for
   * {@link SmtpLimits#maxPipelinedBytes()}, it resumes.
   */
  public void messageHandled() {
    boolean wasExhausted = pipelined.exhausted();
    pipelined.answered();
    if (wasExhausted && !pipelined.exhausted()) {
      decodeBufferedLater();
    }
  }

  /** Octets of command lines passed on and not yet acknowledged (for tests asserting the bound). */
  long outstandingBytes() {
    return pipelined.bytes();
  }

  private void switchTo(Mode next) {
    if (mode == Mode.CLOSED) {
      return;
    }
    if (mode == Mode.DISCARD_LINE) {
      // the rest of an over-long line is still arriving: it must not be decoded in any mode
      afterDiscard = next;
      return;
    }
    mode = next;
    decodeBufferedLater();
  }

  /**
   * Outside a decode run: decodes what is buffered in a task on the channel's executor, or, with
   * nothing buffered, lets the transport read again. Inside one, its end does both.
   */
  private void decodeBufferedLater() {
    if (inCallDecode || ctx == null) {
      return;
    }
    ChannelHandlerContext c = ctx;
    if (!internalBuffer().isReadable()) {
      updateReads(c);
      return;
    }
    c.executor().execute(() -> {
      if (!c.isRemoved()) {
        try {
          channelRead(c, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
          c.fireExceptionCaught(e);
        }
      }
    });
  }

  /** Auto-read off while the budget is spent or a paused decoder holds a budget's worth. */
  private void updateReads(ChannelHandlerContext c) {
    boolean stop = pipelined.exhausted()
        || (mode == Mode.PAUSED && internalBuffer().readableBytes() >= limits.maxPipelinedBytes());
    if (stop != readsStopped) {
      readsStopped = stop;
      c.channel().config().setAutoRead(!stop);
    }
  }

  // ---- decoding -----------------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (readsStopped) {
      readsStopped = false; // a successor (STARTTLS) starts with nothing outstanding
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (readsStopped) {
      // ByteToMessageDecoder asks for one more read after a read that decoded nothing, which is
      // exactly what a held flood does: that read would undo the stop
      discardSomeReadBytes();
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
  }

  @Override
  protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    inCallDecode = true;
    try {
      super.callDecode(ctx, in, out);
    } finally {
      inCallDecode = false;
    }
    updateReads(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (pipelined.exhausted() && mode != Mode.DISCARD_LINE && mode != Mode.CLOSED) {
      return; // held until earlier commands are answered (messageHandled)
    }
    boolean lines = mode == Mode.COMMAND || mode == Mode.AUTH_RESPONSE;
    int start = in.readerIndex();
    int before = out.size();
    decodeInMode(in, out);
    int lineBytes = lines ? in.readerIndex() - start : 0;
    for (int i = before; i < out.size(); i++) {
      pipelined.emitted(i == before ? lineBytes : 0); // a BDAT 0 LAST line also ends its chunk
    }
  }

  private void decodeInMode(ByteBuf in, List<Object> out) {
    switch (mode) {
      case COMMAND:
      case AUTH_RESPONSE:
        decodeLine(in, out);
        break;
      case DISCARD_LINE:
        discardLine(in);
        break;
      case DATA:
        if (data.decode(in, out)) {
          mode = Mode.COMMAND;
        }
        break;
      case BDAT:
        if (bdat.decode(in, out)) {
          mode = Mode.COMMAND;
        }
        break;
      case PAUSED:
        break; // buffered, and reads stopped past the budget (updateReads), until the session decides
      default: // CLOSED
        in.skipBytes(in.readableBytes());
        break;
    }
  }

  private void decodeLine(ByteBuf in, List<Object> out) {
    final int r = in.readerIndex();
    final int w = in.writerIndex();
    boolean auth = mode == Mode.AUTH_RESPONSE;
    int limit = auth ? limits.maxAuthLineLength() : limits.maxCommandLineLength();
    if (!auth && w - r >= limit && startsWithAuth(in, r)) {
      limit = limits.maxAuthLineLength(); // RFC 4954 4: AUTH lines may be up to 12288 octets
    }
    int lf = lines.findLf(in, limit);
    if (lf < 0) {
      if (lf == CrlfLineScanner.TOO_LONG) {
        tooLong(in, r, limit, out);
      }
      return;
    }
    int len = lf - 1 - r;
    boolean bad = !lines.strictCrlf(in, lf);
    Mode next = auth ? Mode.PAUSED : Mode.COMMAND;
    if (bad) {
      in.readerIndex(lf + 1);
      mode = next;
      fail(DecodeFailure.of(ProtocolError.BAD_LINE_ENDING, "bare CR or LF in command line"), out);
      return;
    }
    if (line.length < len) {
      line = new byte[limits.maxAuthLineLength()];
    }
    in.getBytes(r, line, 0, len);
    in.readerIndex(lf + 1);
    Object result = auth ? parser.parseAuthResponse(line, len) : parser.parseCommand(line, len);
    mode = next;
    if (result instanceof DecodeFailure) {
      fail((DecodeFailure) result, out);
    } else {
      accept((SmtpCommand) result, out);
    }
  }

  private void accept(SmtpCommand command, List<Object> out) {
    out.add(command);
    switch (command.verb() == null ? SmtpVerb.AUTH : command.verb()) {
      case DATA:
      case AUTH:
      case STARTTLS:
        mode = Mode.PAUSED;
        break;
      case MAIL:
      case RSET:
      case HELO:
      case EHLO:
        bdatTotal = 0;
        break;
      case BDAT:
        startBdat((SmtpCommand.Bdat) command, out);
        break;
      default:
        break;
    }
  }

  private void startBdat(SmtpCommand.Bdat command, List<Object> out) {
    long size = command.size();
    ProtocolError failure = null;
    if (size > limits.maxBdatChunkSize()) {
      failure = ProtocolError.CHUNK_TOO_BIG;
    } else if (bdatTotal + size > limits.maxDataSize()) {
      failure = ProtocolError.MESSAGE_TOO_BIG;
    }
    bdatTotal = command.last() ? 0 : bdatTotal + size;
    bdat.start(size, command.last(), failure);
    if (size == 0) {
      bdat.decode(Unpooled.EMPTY_BUFFER, out); // nothing to read: end the chunk now
    } else {
      mode = Mode.BDAT;
    }
  }

  private void fail(DecodeFailure failure, List<Object> out) {
    out.add(failure);
    if (++errors >= limits.maxErrors()) {
      mode = Mode.CLOSED;
    }
  }

  private void tooLong(ByteBuf in, int r, int limit, List<Object> out) {
    // No CRLF in the first `limit` bytes: drop them and everything up to the next CRLF.
    lines.startDiscard(in, r + limit);
    afterDiscard = Mode.COMMAND; // an over-long AUTH response aborts the exchange: no pause
    mode = Mode.DISCARD_LINE;
    fail(DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "line longer than " + limit + " octets"), out);
  }

  private void discardLine(ByteBuf in) {
    if (lines.discard(in)) {
      mode = afterDiscard;
    }
  }

  private static boolean startsWithAuth(ByteBuf in, int r) {
    return (in.getInt(r) & 0xDFDFDFDF) == ('A' << 24 | 'U' << 16 | 'T' << 8 | 'H')
        && in.getByte(r + 4) == ' ';
  }
}
