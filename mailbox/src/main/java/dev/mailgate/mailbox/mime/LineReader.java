package dev.mailgate.mailbox.mime;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream as lines, tracking each line's absolute offset, with one line of push-back. Only
 * the first {@code keep} bytes of a line are kept (enough for a header line or a boundary); the
 * rest is counted and skipped, so memory stays bounded whatever the input. The line search is a
 * bulk scan of a fixed buffer.
 */
final class LineReader {
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long bufStart;
  private boolean eof;

  private final byte[] line;
  private int kept;
  private long lineStart;
  private int terminator;
  private long lineLength;
  private boolean pushedBack;
  private long lines;
  private boolean lastTerminated;

  LineReader(InputStream in, int keep) {
    this.in = in;
    this.line = new byte[keep];
  }

  /** Advances to the next line; false at end of input. */
  boolean next() throws IOException {
    if (pushedBack) {
      pushedBack = false;
      return true;
    }
    kept = 0;
    lines++;
    lineLength = 0;
    terminator = 0;
    lineStart = bufStart + pos;
    while (true) {
      if (pos == limit && !fill()) {
        if (lineLength == 0) {
          lines--;
          return false;
        }
        lastTerminated = false;
        return true;
      }
      int lf = -1;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          lf = i;
          break;
        }
      }
      int end = lf < 0 ? limit : lf + 1;
      int n = end - pos;
      int copy = Math.min(n, line.length - kept);
      System.arraycopy(buf, pos, line, kept, copy);
      kept += copy;
      lineLength += n;
      pos = end;
      if (lf >= 0) {
        terminator = lineLength >= 2 && endsWithCr(lf) ? 2 : 1;
        lastTerminated = true;
        return true;
      }
    }
  }

  private boolean endsWithCr(int lf) {
    // the CR may have been in the previous buffer; the kept copy has it unless the line overflowed
    if (lf > 0) {
      return buf[lf - 1] == '\r';
    }
    return kept >= 2 && line[kept - 2] == '\r';
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    bufStart += limit;
    pos = 0;
    limit = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = true;
      return false;
    }
    limit = n;
    return true;
  }

  /** Lines handed out so far, not counting one pushed back. */
  long linesConsumed() {
    return pushedBack ? lines - 1 : lines;
  }

  /** True while the current line waits to be returned again by {@link #next()}. */
  boolean isPushedBack() {
    return pushedBack;
  }

  /** Whether the last line read ended with a line break (still known at the end of input). */
  boolean lastLineTerminated() {
    return lastTerminated;
  }

  /** Makes the next {@link #next()} return the current line again. */
  void pushBack() {
    pushedBack = true;
  }

  long lineStart() {
    return lineStart;
  }

  long lineEnd() {
    return lineStart + lineLength;
  }

  /** Length of the line break (0 at an unterminated last line, 1 for LF, 2 for CRLF). */
  int terminator() {
    return terminator;
  }

  /** True if the line is empty apart from its break. */
  boolean isBlank() {
    return lineLength == terminator && terminator > 0;
  }

  byte[] kept() {
    return line;
  }

  int keptLength() {
    return kept;
  }

  /** Bytes of content (without the line break) kept. */
  int contentLength() {
    return (int) Math.min(kept, lineLength - terminator);
  }

  /** Position just after the last byte read. */
  long position() {
    return bufStart + pos;
  }
}
