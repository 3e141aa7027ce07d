package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;

/**
 * Finds the end of a multi-line response body (RFC 1939 section 3: CRLF {@code .} CRLF) and, in
 * {@link Mode#UNSTUFF}, removes the stuffing dot from lines that start with {@code .}. In {@link
 * Mode#PASS_THROUGH} the bytes are left dot-stuffed for relaying.
 *
 * <p>The scan is a bulk {@code indexOf('.')}; bytes between line-start dots leave as retained
 * slices of the input (zero-copy). At most the two bytes after a line-start dot are held back to
 * tell the terminator from a stuffed line, so memory stays bounded whatever the body size. Only a
 * {@code .} after CRLF and followed by CRLF ends the body; after a bare LF it is content.
 */
public final class MultiLineBodyDecoder {
  /** Whether stuffing dots are removed or kept. */
  public enum Mode {
    UNSTUFF,
    PASS_THROUGH
  }

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';

  private final Mode mode;
  // the two bytes consumed last; a body starts right after the status line's CRLF
  private byte last = LF;
  private byte beforeLast = CR;

  public MultiLineBodyDecoder(Mode mode) {
    this.mode = mode;
  }

  /** Starts a new body. */
  public void reset() {
    last = LF;
    beforeLast = CR;
  }

  /**
   * Consumes the next piece of {@code in}: returns a retained slice of content, {@link
   * Pop3Response.BodyEnd#INSTANCE} when the terminator was consumed (the decoder is then reset),
   * or {@code null} when more bytes are needed to decide.
   */
  public Object next(ByteBuf in) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int p = r;
    while (p < w) {
      int dot = in.indexOf(p, w, DOT);
      if (dot < 0) {
        return take(in, w);
      }
      if ((dot == r ? last : in.getByte(dot - 1)) != LF) {
        p = dot + 1;
        continue;
      }
      if (dot > r) {
        return take(in, dot); // content before the line-start dot first; decide on the next call
      }
      // a line-start dot at the reader index
      if (dot + 1 >= w) {
        return null;
      }
      if (in.getByte(dot + 1) == CR) {
        if (dot + 2 >= w) {
          return null;
        }
        if (in.getByte(dot + 2) == LF && beforeLast == CR) {
          in.readerIndex(dot + 3);
          reset();
          return Pop3Response.BodyEnd.INSTANCE;
        }
      }
      if (mode == Mode.UNSTUFF) {
        in.readerIndex(dot + 1); // drop the stuffing dot
        beforeLast = last;
        last = DOT;
        return next(in);
      }
      p = dot + 1;
    }
    return take(in, w);
  }

  private ByteBuf take(ByteBuf in, int to) {
    int r = in.readerIndex();
    if (to == r) {
      return null;
    }
    beforeLast = to - r >= 2 ? in.getByte(to - 2) : last;
    last = in.getByte(to - 1);
    return in.readRetainedSlice(to - r);
  }
}
