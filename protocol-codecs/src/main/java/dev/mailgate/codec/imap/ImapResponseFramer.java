package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Client-side framing of server responses for the backend leg (RFC 9051 sections 2.2.2 and 4.3):
 * emits one {@link ImapResponseFrame} per response, with every literal (FETCH bodies, strings)
 * as a zero-copy retained slice, or a {@link DecodeFailure}.
 *
 * <p><b>Limits.</b> {@link ImapLimits#maxLineLength()} per line, {@link
 * ImapLimits#maxResponseLiteral()} per literal, {@link ImapLimits#maxListItems()} literals per
 * response. A server literal is always sent in full, so one over the limit is skipped without
 * being buffered and the rest of its response discarded; a too-long line is discarded to its LF,
 * still honouring a literal announced at its end. Strict CRLF.
 *
 * <p>Lines are found with {@link ByteBuf#indexOf}; literals are sliced, never scanned.
 */
public final class ImapResponseFramer extends ByteToMessageDecoder {
  private enum State { LINE, LITERAL, DISCARD_LITERAL, DISCARD_LINE }

  private final ImapLimits limits;
  private State state = State.LINE;
  private final List<ByteBuf> lines = new ArrayList<>(2);
  private final List<ByteBuf> literals = new ArrayList<>(2);
  private long remaining;
  private ProtocolError pendingError;
  private String pendingDetail;
  private final byte[] tail = new byte[LiteralMarker.MAX_LENGTH + 1];
  private int tailLength;
  private int scanned;

  public ImapResponseFramer(ImapLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    for (;;) {
      switch (state) {
        case LINE -> {
          if (!readLine(in, out)) {
            return;
          }
        }
        case LITERAL -> {
          if (in.readableBytes() < remaining) {
            return;
          }
          literals.add(in.readRetainedSlice((int) remaining));
          state = State.LINE;
        }
        case DISCARD_LITERAL -> {
          int n = (int) Math.min(in.readableBytes(), remaining);
          if (n == 0) {
            return;
          }
          in.skipBytes(n);
          remaining -= n;
          if (remaining == 0) {
            tailLength = 0;
            state = State.DISCARD_LINE;
          }
        }
        case DISCARD_LINE -> {
          if (!discardLine(in, out)) {
            return;
          }
        }
      }
    }
  }

  private boolean readLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int max = limits.maxLineLength() + 2;
    int window = Math.min(readable, max);
    // Resume the LF search where the previous call stopped: no rescans of a slowly arriving line.
    int lf = in.indexOf(start + Math.min(scanned, window), start + window, (byte) '\n');
    scanned = lf < 0 ? window : 0;
    if (lf < 0) {
      if (readable < max) {
        return false;
      }
      fail(ProtocolError.LINE_TOO_LONG, "response line too long");
      return true;
    }
    if (lf == start || in.getByte(lf - 1) != '\r' || in.indexOf(start, lf - 1, (byte) '\r') >= 0) {
      fail(ProtocolError.BAD_LINE_ENDING, "response line not terminated by CRLF");
      return true;
    }
    int end = lf - 1;
    long marker = LiteralMarker.parse(in, start, end);
    if (marker != LiteralMarker.NONE) {
      long size = LiteralMarker.size(marker);
      String refusal = null;
      ProtocolError error = ProtocolError.LITERAL_TOO_BIG;
      if (literals.size() + 1 > limits.maxListItems()) {
        refusal = "too many literals in one response";
        error = ProtocolError.TOO_MANY_PARAMETERS;
      } else if (size > limits.maxResponseLiteral() || size > Integer.MAX_VALUE - 16) {
        refusal = "response literal of " + size + " octets exceeds " + limits.maxResponseLiteral();
      }
      if (refusal != null) {
        in.readerIndex(lf + 1);
        releaseResponse();
        pendingError = error;
        pendingDetail = refusal;
        remaining = size;
        tailLength = 0;
        state = size == 0 ? State.DISCARD_LINE : State.DISCARD_LITERAL;
        return true;
      }
      lines.add(in.readRetainedSlice(end - start));
      in.skipBytes(2);
      remaining = size;
      state = State.LITERAL;
      return true;
    }
    lines.add(in.readRetainedSlice(end - start));
    in.skipBytes(2);
    ByteBuf[] l = lines.toArray(new ByteBuf[0]);
    ByteBuf[] lit = literals.toArray(new ByteBuf[0]);
    lines.clear();
    literals.clear();
    out.add(new ImapResponseFrame(l, lit));
    return true;
  }

  private void fail(ProtocolError error, String detail) {
    releaseResponse();
    pendingError = error;
    pendingDetail = detail;
    tailLength = 0;
    scanned = 0;
    state = State.DISCARD_LINE;
  }

  private boolean discardLine(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      remember(in, start, in.writerIndex());
      in.skipBytes(in.readableBytes());
      return false;
    }
    remember(in, start, lf);
    in.readerIndex(lf + 1);
    if (tailLength > 0 && tail[tailLength - 1] == '\r') {
      tailLength--;
    }
    long marker = LiteralMarker.parse(tail, tailLength);
    tailLength = 0;
    if (marker != LiteralMarker.NONE) {
      // The server sends every literal without waiting: skip it and the rest of the response.
      remaining = LiteralMarker.size(marker);
      state = remaining == 0 ? State.DISCARD_LINE : State.DISCARD_LITERAL;
      return true;
    }
    out.add(DecodeFailure.of(pendingError, pendingDetail));
    pendingError = null;
    pendingDetail = null;
    state = State.LINE;
    return true;
  }

  private void remember(ByteBuf in, int from, int to) {
    int n = to - from;
    int keep = tail.length;
    if (n >= keep) {
      in.getBytes(to - keep, tail, 0, keep);
      tailLength = keep;
      return;
    }
    int drop = Math.max(0, tailLength + n - keep);
    if (drop > 0) {
      System.arraycopy(tail, drop, tail, 0, tailLength - drop);
      tailLength -= drop;
    }
    in.getBytes(from, tail, tailLength, n);
    tailLength += n;
  }

  private void releaseResponse() {
    for (ByteBuf b : lines) {
      b.release();
    }
    for (ByteBuf b : literals) {
      b.release();
    }
    lines.clear();
    literals.clear();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseResponse();
  }
}
