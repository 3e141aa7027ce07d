package dev.mailgate.bench.load.client;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Finds where one server response ends, as bytes arrive in any split: a resumable scan that keeps
 * only the head of the first and of the current line, and skips IMAP literals without looking at
 * their bytes (a 200 KB body costs one index move, not 200,000 comparisons). Lines end at LF; the
 * servers under test send CRLF, and a CR is dropped from the captured text.
 *
 * <p>Not thread-safe: one framer per connection, used on its event loop.
 */
public final class ResponseFramer implements ByteProcessor {

  /** How many bytes of a line are kept for checks ("A1 OK", "+OK 3 12345", "250 2.0.0"). */
  public static final int LINE_CAPTURE = 200;

  /** The longest literal length we accept in "{n}" (digits); longer means a broken response. */
  private static final int MAX_LITERAL_DIGITS = 12;

  private final byte[] line = new byte[LINE_CAPTURE];
  private final byte[] tail = new byte[MAX_LITERAL_DIGITS + 3];
  private Expect expect = Expect.LINE;
  private byte[] tag = new byte[0];
  private int lineLength;
  private int tailLength;
  private int lineCount;
  private String firstLine;
  private String lastLine;
  private long literalRemaining;
  private long bytes;
  private boolean done;

  /** Starts looking for the end of a new response; {@code tag} matters for IMAP only. */
  public void reset(Expect expect, String tag) {
    this.expect = expect;
    this.tag = tag == null ? new byte[0] : tag.getBytes(StandardCharsets.US_ASCII);
    lineLength = 0;
    tailLength = 0;
    lineCount = 0;
    firstLine = null;
    lastLine = null;
    literalRemaining = 0;
    bytes = 0;
    done = false;
  }

  /**
   * Consumes bytes of {@code in} up to the end of the response (leaving any bytes after it unread)
   * and says whether the response is complete.
   */
  public boolean feed(ByteBuf in) {
    while (!done && in.isReadable()) {
      if (literalRemaining > 0) {
        int skip = (int) Math.min(literalRemaining, in.readableBytes());
        in.skipBytes(skip);
        bytes += skip;
        literalRemaining -= skip;
        continue;
      }
      int start = in.readerIndex();
      int stop = in.forEachByte(this);
      int end = stop < 0 ? in.writerIndex() : stop + 1;
      bytes += end - start;
      in.readerIndex(end);
    }
    return done;
  }

  public boolean isDone() {
    return done;
  }

  /** The response found by the last {@link #feed} that returned true. */
  public String firstLine() {
    return firstLine;
  }

  public String lastLine() {
    return lastLine;
  }

  public long bytes() {
    return bytes;
  }

  /** One byte outside a literal; false stops the scan (response complete, or a literal starts). */
  @Override
  public boolean process(byte b) {
    if (b != '\n') {
      if (b != '\r') {
        if (lineLength < LINE_CAPTURE) {
          line[lineLength] = b;
        }
        lineLength++;
        if (tailLength == tail.length) {
          System.arraycopy(tail, 1, tail, 0, tail.length - 1);
          tailLength--;
        }
        tail[tailLength++] = b;
      }
      return true;
    }
    String text = null;
    lineCount++;
    if (lineCount == 1) {
      text = capture();
      firstLine = text;
    }
    boolean ends = lineEnds();
    if (ends) {
      lastLine = text != null ? text : capture();
      done = true;
    }
    long literal = ends ? 0 : literalAtLineEnd();
    lineLength = 0;
    tailLength = 0;
    if (literal > 0) {
      literalRemaining = literal;
      return false;
    }
    return !ends;
  }

  private boolean lineEnds() {
    int n = Math.min(lineLength, LINE_CAPTURE);
    switch (expect) {
      case LINE:
        return true;
      case SMTP_REPLY:
        return lineLength == 3 || (lineLength > 3 && line[3] == ' ');
      case POP3_MULTILINE:
        if (lineCount == 1) {
          return n > 0 && line[0] == '-';
        }
        return lineLength == 1 && line[0] == '.';
      case IMAP_CONTINUATION:
        if (n > 0 && line[0] == '+') {
          return true;
        }
        return startsWithTag(n);
      case IMAP_TAGGED:
        return startsWithTag(n);
      default:
        throw new IllegalStateException(expect.toString());
    }
  }

  private boolean startsWithTag(int n) {
    if (n <= tag.length || line[tag.length] != ' ') {
      return false;
    }
    for (int i = 0; i < tag.length; i++) {
      if (line[i] != tag[i]) {
        return false;
      }
    }
    return true;
  }

  /** The n of a line that ends with "{n}" or "{n+}" (IMAP only), else 0. */
  private long literalAtLineEnd() {
    if ((expect != Expect.IMAP_TAGGED && expect != Expect.IMAP_CONTINUATION)
        || tailLength < 3 || tail[tailLength - 1] != '}') {
      return 0;
    }
    int i = tailLength - 2;
    if (tail[i] == '+') {
      i--;
    }
    long n = 0;
    long scale = 1;
    int digits = 0;
    while (i >= 0 && tail[i] >= '0' && tail[i] <= '9') {
      n += (tail[i] - '0') * scale;
      scale *= 10;
      digits++;
      i--;
    }
    return digits > 0 && i >= 0 && tail[i] == '{' ? n : 0;
  }

  private String capture() {
    return new String(line, 0, Math.min(lineLength, LINE_CAPTURE), StandardCharsets.ISO_8859_1);
  }
}
