package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Byte-stuffs a multi-line body (RFC 1939 section 3): a line that starts with {@code .} gets
 * another {@code .} in front. Works chunk by chunk and remembers whether the previous chunk ended
 * at a line start, so a line start split across chunks is handled.
 *
 * <p>The scan is a bulk {@code indexOf('.')}: base64 attachments contain no dots, text has a few
 * per line. A chunk that needs no stuffing goes out as a retained slice (zero-copy); only a chunk
 * with a line-start dot is copied. Any LF counts as a line end here (not only CRLF), so a lenient
 * client can never mistake a {@code \n.\r\n} inside the body for the terminator.
 */
public final class DotStuffer {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';

  private boolean empty = true;
  private byte last;
  private byte beforeLast;

  /** Starts a new body. */
  public void reset() {
    empty = true;
    last = 0;
    beforeLast = 0;
  }

  /**
   * Returns {@code chunk}'s readable bytes stuffed, as a buffer the caller owns (a retained slice
   * when nothing needed stuffing). {@code chunk} itself is neither consumed nor released.
   */
  public ByteBuf stuff(ByteBuf chunk, ByteBufAllocator alloc) {
    int r = chunk.readerIndex();
    int w = chunk.writerIndex();
    if (r == w) {
      return chunk.retainedSlice();
    }
    boolean startsLine = empty || last == LF;
    ByteBuf out = null;
    int copied = r;
    int p = r;
    while (p < w) {
      int dot = chunk.indexOf(p, w, DOT);
      if (dot < 0) {
        break;
      }
      boolean lineStart = dot == r ? startsLine : chunk.getByte(dot - 1) == LF;
      if (lineStart) {
        if (out == null) {
          out = alloc.buffer(w - r + 16);
        }
        out.writeBytes(chunk, copied, dot - copied);
        out.writeByte(DOT);
        copied = dot;
      }
      p = dot + 1;
    }
    beforeLast = w - r >= 2 ? chunk.getByte(w - 2) : last;
    last = chunk.getByte(w - 1);
    empty = false;
    if (out == null) {
      return chunk.retainedSlice();
    }
    out.writeBytes(chunk, copied, w - copied);
    return out;
  }

  /**
   * Writes the terminator: {@code .CRLF} when the body ended with CRLF (or was empty), else a CRLF
   * first so the {@code .} starts a line. Resets for the next body.
   */
  public void writeTerminator(ByteBuf out) {
    if (!empty && !(beforeLast == CR && last == LF)) {
      out.writeByte(CR).writeByte(LF);
    }
    out.writeByte(DOT).writeByte(CR).writeByte(LF);
    reset();
  }
}
