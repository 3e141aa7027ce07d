package dev.mailgate.gateway.local.pop3;

import io.netty.buffer.ByteBuf;

/**
 * Cuts a message streamed in chunks to what TOP returns (RFC 1939 section 7): the header, the
 * blank line that ends it, and the first {@code n} lines of the body. A bulk scan from LF to LF;
 * nothing is buffered. A message without a blank line is all header and passes whole.
 */
final class TopFilter {

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private boolean inHeader = true;
  /** Bytes of the current line seen so far (only 0, 1 and "more" matter). */
  private long lineBytes;
  private byte lastByte;
  private long bodyLinesLeft;
  private boolean done;

  TopFilter(long bodyLines) {
    this.bodyLinesLeft = bodyLines;
  }

  /** True once the cut was reached: the rest of the message is not needed. */
  boolean done() {
    return done;
  }

  /** Trims {@code chunk} in place to the part TOP sends and returns it (possibly empty). */
  ByteBuf next(ByteBuf chunk) {
    int start = chunk.readerIndex();
    int end = chunk.writerIndex();
    int p = start;
    while (!done && p < end) {
      int lf = chunk.indexOf(p, end, LF);
      if (lf < 0) {
        lineBytes += end - p;
        lastByte = chunk.getByte(end - 1);
        break;
      }
      long len = lineBytes + (lf - p);
      byte before = lf > start ? chunk.getByte(lf - 1) : lastByte;
      if (inHeader) {
        if (len == 0 || (len == 1 && before == CR)) {
          inHeader = false;
          done = bodyLinesLeft == 0;
        }
      } else {
        done = --bodyLinesLeft == 0;
      }
      lineBytes = 0;
      lastByte = LF;
      p = lf + 1;
      if (done) {
        chunk.writerIndex(p);
      }
    }
    return chunk;
  }
}
