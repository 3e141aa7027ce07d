package dev.mailgate.codec.pop3;

import dev.mailgate.codec.CrlfLineScanner;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Server side: frames POP3 command lines and emits one {@link Pop3Command} or {@link
 * DecodeFailure} per line (RFC 1939 section 3, RFC 2449 section 4).
 *
 * <p>Lines end only at CRLF: a bare LF or a CR inside the line is {@link
 * ProtocolError#BAD_LINE_ENDING}. A line longer than {@link Pop3Limits#maxCommandLineLength()}
 * (AUTH lines and SASL responses: {@link Pop3Limits#maxSaslLineLength()}) is refused as soon as the
 * limit is passed, its bytes are skipped without being buffered, and one {@link
 * ProtocolError#LINE_TOO_LONG} failure is emitted when its LF arrives, so answers stay in order.
 *
 * <p>Pipelining (RFC 2449 section 6.6): while {@link Pop3Limits#maxPipelinedCommands()} lines
 * await an answer the decoder decodes nothing more and leaves the rest of the client's write in
 * its buffer; each {@link #commandCompleted()} lets it decode the next line. A client may thus
 * pipeline any number of commands and gets every answer, as from Dovecot; the commands queued
 * ahead of the session stay bounded, and the bytes held are those of one read, because the
 * transport stops reading while the session has decoded commands it has not taken yet.
 *
 * <p>The session drives the two modes the grammar cannot see: {@link #expectSaslResponse()} before
 * it sends a {@code +} challenge, and {@link #discardPipelined()} when it accepts STLS (RFC 2595
 * section 4: plaintext sent after STLS must not be used). It calls {@link #commandCompleted()}
 * after answering each emitted line. Exactly one message is emitted per {@code decode} call, so a
 * mode set while handling a message applies to the very next line.
 */
public final class Pop3CommandDecoder extends ByteToMessageDecoder {

  /**
   * Bytes of pipelined lines held back while {@link Pop3Limits#maxPipelinedCommands()} await their
   * answers: some 5,000 short commands (RETR, DELE) of a client that reads its answers as they come.
   */
  static final int MAX_HELD_BYTES = 64 * 1024;

  private final Pop3Limits limits;
  private final Pop3CommandParser parser;
  private boolean saslResponseExpected;
  private int outstanding;
  private boolean inCallDecode;
  private ChannelHandlerContext ctx;
  private final CrlfLineScanner lines = CrlfLineScanner.pop3();

  public Pop3CommandDecoder() {
    this(Pop3Limits.DEFAULTS);
  }

  public Pop3CommandDecoder(Pop3Limits limits) {
    this.limits = limits;
    this.parser = new Pop3CommandParser(limits);
  }

  /** The next line is the client's answer to a SASL challenge (base64 or {@code *}). */
  public void expectSaslResponse() {
    saslResponseExpected = true;
  }

  /**
   * The session has answered one emitted command or failure. Call on the event loop; when lines
   * were held back for the pipelining limit, the next one is decoded in a task of the channel.
   */
  public void commandCompleted() {
    if (outstanding > 0) {
      outstanding--;
    }
    if (outstanding < limits.maxPipelinedCommands() && !inCallDecode && ctx != null
        && internalBuffer().isReadable()) {
      ChannelHandlerContext c = ctx;
      c.executor().execute(() -> {
        if (!c.isRemoved()) {
          try {
            channelRead(c, Unpooled.EMPTY_BUFFER); // decodes what is buffered, reads nothing
          } catch (Exception e) {
            c.fireExceptionCaught(e);
          }
        }
      });
    }
  }

  /** Drops every byte received but not yet decoded (after STLS is accepted). */
  public void discardPipelined() {
    ByteBuf buffered = internalBuffer();
    buffered.skipBytes(buffered.readableBytes());
    lines.reset();
    saslResponseExpected = false;
  }

  /** Bytes held while waiting for a line end (bounded by the line limits). */
  int bufferedBytes() {
    return internalBuffer().readableBytes();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    inCallDecode = true;
    try {
      super.callDecode(ctx, in, out);
    } finally {
      inCallDecode = false;
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    Object msg = decodeLine(in);
    if (msg != null) {
      out.add(msg);
    }
  }

  /** Decodes at most one line of {@code in}; {@code null} when more bytes are needed. */
  Object decodeLine(ByteBuf in) {
    boolean overflow = false;
    if (outstanding >= limits.maxPipelinedCommands()) {
      if (in.readableBytes() <= MAX_HELD_BYTES) {
        return null; // held until the session answers (commandCompleted)
      }
      // A client that writes on without reading its answers: the transport keeps reading while
      // nothing is decoded, so past this bound the lines are refused as before pipelining was
      // held (TOO_MANY_PIPELINED, each a protocol error); the refusals then queue ahead of the
      // session, which stops the reads, and max_errors ends the session.
      overflow = true;
    }
    int start = in.readerIndex();
    int lf = lines.nextLine(in, lineLimit(in, start, in.writerIndex()));
    if (lf == CrlfLineScanner.NEED_MORE) {
      return null;
    }
    if (lf == CrlfLineScanner.TOO_LONG) {
      saslResponseExpected = false;
      return counted(DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "line too long"));
    }
    boolean strict = lines.strictCrlf(in, lf);
    in.readerIndex(lf + 1);
    boolean sasl = saslResponseExpected;
    saslResponseExpected = false;
    if (overflow) {
      return counted(DecodeFailure.of(ProtocolError.TOO_MANY_PIPELINED, "too many pipelined commands"));
    }
    if (!strict) {
      return counted(DecodeFailure.of(ProtocolError.BAD_LINE_ENDING, "line not ended by CRLF"));
    }
    return counted(sasl ? parser.parseSaslResponse(in, start, lf - 1) : parser.parse(in, start, lf - 1));
  }

  private Object counted(Object msg) {
    outstanding++;
    return msg;
  }

  /** AUTH lines and SASL responses carry tokens longer than ordinary commands (see Pop3Limits). */
  private int lineLimit(ByteBuf in, int start, int end) {
    if (saslResponseExpected) {
      return limits.maxSaslLineLength();
    }
    if (end - start >= 5
        && Pop3Verb.lookup(in, start, 4) == Pop3Verb.AUTH
        && in.getByte(start + 4) == ' ') {
      return limits.maxSaslLineLength();
    }
    return limits.maxCommandLineLength();
  }
}
