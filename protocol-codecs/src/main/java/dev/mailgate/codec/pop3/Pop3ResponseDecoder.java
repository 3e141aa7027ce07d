package dev.mailgate.codec.pop3;

import dev.mailgate.codec.CrlfLineScanner;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Client side (the backend leg): decodes POP3 server responses into {@link Pop3Response.Status}
 * and {@link Pop3Response.Continuation}; after a {@code +OK} to a command that the caller announced
 * as multi-line, the body follows as {@code ByteBuf} chunks and then {@link
 * Pop3Response.BodyEnd}.
 *
 * <p>Whether a response is multi-line depends on the command (RFC 1939: RETR, TOP, LIST and UIDL
 * without argument; RFC 2449: CAPA), which this decoder cannot see: call {@link #expect(boolean)}
 * once per command sent, in order (pipelining queues them). Continuation lines ({@code +}) do not
 * use up an expectation. The greeting and unannounced responses are single-line.
 *
 * <p>Status lines must end in CRLF and fit {@link Pop3Limits#maxResponseLineLength()}
 * (continuations: {@link Pop3Limits#maxSaslLineLength()}); otherwise a {@link DecodeFailure} is
 * emitted and decoding resumes after the next LF. Bodies stream with bounded buffering, see {@link
 * MultiLineBodyDecoder}.
 */
public final class Pop3ResponseDecoder extends ByteToMessageDecoder {

  private final Pop3Limits limits;
  private final MultiLineBodyDecoder body;
  private final ArrayDeque<Boolean> expected = new ArrayDeque<>();
  private boolean inBody;
  private final CrlfLineScanner lines = CrlfLineScanner.pop3();

  public Pop3ResponseDecoder() {
    this(Pop3Limits.DEFAULTS, MultiLineBodyDecoder.Mode.UNSTUFF);
  }

  public Pop3ResponseDecoder(Pop3Limits limits, MultiLineBodyDecoder.Mode mode) {
    this.limits = limits;
    this.body = new MultiLineBodyDecoder(mode);
  }

  /** Announces the response to the next command sent: multi-line (when +OK) or not. */
  public void expect(boolean multiLine) {
    expected.addLast(multiLine);
  }

  /** Announces the response to {@code command}, using {@link Pop3CommandEncoder#expectsMultiLine}. */
  public void expect(Pop3Command command) {
    if (!(command instanceof Pop3Command.SaslResponse)) {
      expect(Pop3CommandEncoder.expectsMultiLine(command));
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    Object msg = decodeOne(in);
    if (msg != null) {
      out.add(msg);
    }
  }

  Object decodeOne(ByteBuf in) {
    if (inBody) {
      Object piece = body.next(in);
      if (piece == Pop3Response.BodyEnd.INSTANCE) {
        inBody = false;
      }
      return piece;
    }
    int start = in.readerIndex();
    int end = in.writerIndex();
    int limit = end > start && in.getByte(start) == '+' && (end - start < 2 || in.getByte(start + 1) != 'O')
        ? limits.maxSaslLineLength()
        : limits.maxResponseLineLength();
    int lf = lines.nextLine(in, limit);
    if (lf == CrlfLineScanner.NEED_MORE) {
      return null;
    }
    if (lf == CrlfLineScanner.TOO_LONG) {
      return DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "response line too long");
    }
    boolean strict = lines.strictCrlf(in, lf);
    in.readerIndex(lf + 1);
    if (!strict) {
      return DecodeFailure.of(ProtocolError.BAD_LINE_ENDING, "response not ended by CRLF");
    }
    return statusLine(in, start, lf - 1);
  }

  private Object statusLine(ByteBuf in, int start, int end) {
    // A NUL never belongs in a response line (found by the fuzzer: it reached the typed response's
    // validation and escaped as an exception).
    if (in.indexOf(start, end, (byte) 0) >= 0) {
      return DecodeFailure.of(ProtocolError.BAD_CHARACTER, "NUL in response line");
    }
    String line = in.toString(start, end - start, StandardCharsets.UTF_8);
    if (line.equals("+") || line.startsWith("+ ")) {
      return new Pop3Response.Continuation(line.length() > 2 ? line.substring(2) : "");
    }
    boolean ok;
    String rest;
    if (line.startsWith("+OK") && (line.length() == 3 || line.charAt(3) == ' ')) {
      ok = true;
      rest = line.substring(Math.min(4, line.length()));
    } else if (line.startsWith("-ERR") && (line.length() == 4 || line.charAt(4) == ' ')) {
      ok = false;
      rest = line.substring(Math.min(5, line.length()));
    } else {
      expected.pollFirst();
      return DecodeFailure.of(ProtocolError.SYNTAX, "response is neither +OK nor -ERR");
    }
    boolean multiLine = Boolean.TRUE.equals(expected.pollFirst());
    for (int i = 0; i < rest.length(); i++) {
      if (rest.charAt(i) == 0) {
        return DecodeFailure.of(ProtocolError.BAD_CHARACTER, "NUL in response");
      }
    }
    String code = null;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close > 1) {
        String candidate = rest.substring(1, close);
        if (Pop3RespCode.isWellFormed(candidate)) {
          code = candidate;
          rest = rest.substring(close + 1).stripLeading();
        }
      }
    }
    if (ok && multiLine) {
      inBody = true;
      body.reset();
    }
    return new Pop3Response.Status(ok, code, rest);
  }
}
