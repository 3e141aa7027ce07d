package dev.mailgate.gateway.proxy.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Turns BDAT content (RFC 3030: octets as they are) into DATA content (RFC 5321 4.5.2: a line
 * starting with "." gets another "."), for a backend without CHUNKING. Each input buffer becomes a
 * composite of zero-copy slices with a one-byte "." between them where a line starts with a dot;
 * line breaks are found with bulk {@link ByteBuf#indexOf} scans, never byte by byte.
 *
 * <p>A bare CR or LF cannot be carried into DATA without changing where lines (and possibly the
 * message) end on the backend (SMTP smuggling), so the first one is a {@link BareLineEnding}
 * failure; the caller aborts the backend transaction. The content is closed by {@link #finish()}:
 * a CRLF when the last line is not terminated, then {@code .CRLF}. State between buffers: whether a
 * line starts next and whether the last byte was CR.
 */
final class DotStuffer {

  private static final ByteBuf DOT = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer(new byte[] {'.'}).asReadOnly());

  private boolean lineStart = true;
  private boolean pendingCr;
  private boolean empty = true;

  /** The stuffed form of {@code in}; takes ownership of {@code in}. */
  ByteBuf stuff(ByteBuf in, ByteBufAllocator alloc) {
    try {
      int r = in.readerIndex();
      int w = in.writerIndex();
      if (r == w) {
        return Unpooled.EMPTY_BUFFER;
      }
      empty = false;
      if (pendingCr && in.getByte(r) != '\n') {
        throw new BareLineEnding();
      }
      CompositeByteBuf out = alloc.compositeBuffer(Integer.MAX_VALUE);
      try {
        scan(in, out);
      } catch (RuntimeException e) {
        out.release();
        throw e;
      }
      return out;
    } finally {
      in.release();
    }
  }

  private void scan(ByteBuf in, CompositeByteBuf out) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int segment = r;
    int pos = r;
    boolean atStart = lineStart;
    final boolean crBefore = pendingCr;
    while (true) {
      if (atStart && pos < w && in.getByte(pos) == '.') {
        if (pos > segment) {
          out.addComponent(true, in.retainedSlice(segment, pos - segment));
        }
        out.addComponent(true, DOT.duplicate());
        segment = pos;
      }
      int lf = in.indexOf(pos, w, (byte) '\n');
      int end = lf < 0 ? w : lf;
      int cr = in.indexOf(pos, end, (byte) '\r');
      if (lf < 0) {
        if (cr >= 0 && cr != w - 1) {
          throw new BareLineEnding();
        }
        pendingCr = cr == w - 1;
        lineStart = false;
        break;
      }
      boolean crlf = lf > r ? in.getByte(lf - 1) == '\r' : crBefore;
      if (!crlf || (cr >= 0 && cr != lf - 1)) {
        throw new BareLineEnding();
      }
      pos = lf + 1;
      atStart = true;
      if (pos == w) {
        lineStart = true;
        pendingCr = false;
        break;
      }
    }
    if (w > segment) {
      out.addComponent(true, in.retainedSlice(segment, w - segment));
    }
  }

  /** What ends the DATA content: CRLF if the last line is open, then {@code .CRLF}. */
  ByteBuf finish() {
    if (pendingCr) {
      throw new BareLineEnding();
    }
    String tail = empty || lineStart ? ".\r\n" : "\r\n.\r\n";
    return Unpooled.copiedBuffer(tail, StandardCharsets.US_ASCII);
  }

  /** A CR or LF that is not part of CRLF. */
  static final class BareLineEnding extends RuntimeException {
    BareLineEnding() {
      super("bare CR or LF in BDAT content", null, false, false);
    }
  }
}
