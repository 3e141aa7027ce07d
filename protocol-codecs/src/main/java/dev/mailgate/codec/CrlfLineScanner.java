package dev.mailgate.codec;

import io.netty.buffer.ByteBuf;

/**
 * What the SMTP and POP3 line decoders share, both directions (RFC 5321 2.3.8 and 4.5.3.1.4,
 * RFC 1939 section 3): finding the LF that ends the line at the reader index within the line
 * limit, without rescanning a line that arrives slowly; the strict CRLF rule; and dropping an
 * over-long line, unbuffered, up to its end. The decoders keep what differs: which limit applies
 * and when the failure is answered.
 *
 * <p>Where a line ends is the one thing the two protocols see differently. In SMTP
 * ({@link #smtp()}) only CRLF ends a line, so a bare LF stays inside it and the whole line is
 * refused at once (it is never split into two commands); in POP3 ({@link #pop3()}) any LF ends a
 * line and a line without its CR is refused. Either way a line with a bare CR or LF never parses.
 * The limit counts the line with its CRLF.
 */
public final class CrlfLineScanner {
  /** {@link #findLf}: no line end yet, wait for more bytes. */
  public static final int NEED_MORE = -1;
  /** {@link #findLf}: no line end within the limit. */
  public static final int TOO_LONG = -2;

  private final boolean onlyCrlfEnds;
  /** Bytes after the reader index already searched (no rescans on slow input). */
  private int scanned;
  /** SMTP: the line searched so far holds a bare LF. */
  private boolean bareLf;
  /** While dropping: the last byte dropped was a CR (its LF may come in the next buffer). */
  private boolean lastWasCr;
  /** {@link #nextLine}: an over-long line is being dropped. */
  private boolean dropping;

  private CrlfLineScanner(boolean onlyCrlfEnds) {
    this.onlyCrlfEnds = onlyCrlfEnds;
  }

  /** Lines end only at CRLF (SMTP commands and replies). */
  public static CrlfLineScanner smtp() {
    return new CrlfLineScanner(true);
  }

  /** Lines end at any LF, which must follow a CR (POP3 commands and responses). */
  public static CrlfLineScanner pop3() {
    return new CrlfLineScanner(false);
  }

  /**
   * Index of the LF ending the line at the reader index when it ends within {@code limit} octets
   * (CRLF included), else {@link #NEED_MORE} or {@link #TOO_LONG}. Reads nothing.
   */
  public int findLf(ByteBuf in, int limit) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int searchEnd = Math.min(w, r + limit);
    int from = r + scanned;
    while (from < searchEnd) {
      int lf = in.indexOf(from, searchEnd, (byte) '\n');
      if (lf < 0) {
        break;
      }
      if (!onlyCrlfEnds || (lf > r && in.getByte(lf - 1) == '\r')) {
        return lf;
      }
      bareLf = true;
      from = lf + 1;
    }
    if (w - r >= limit) {
      return TOO_LONG;
    }
    scanned = w - r;
    return NEED_MORE;
  }

  /**
   * {@link #findLf} for a decoder that answers an over-long line only once it has ended (POP3:
   * one answer per line, in order): such a line is dropped unbuffered as it arrives, and
   * {@link #TOO_LONG} comes when its end was read; until then {@link #NEED_MORE}.
   */
  public int nextLine(ByteBuf in, int limit) {
    if (!dropping) {
      int lf = findLf(in, limit);
      if (lf != TOO_LONG) {
        return lf;
      }
      startDiscard(in, in.readerIndex() + limit);
      dropping = true;
    }
    if (!discard(in)) {
      return NEED_MORE;
    }
    dropping = false;
    return TOO_LONG;
  }

  /**
   * Whether the line {@code [reader index, lf]} that {@link #findLf} returned ends with CRLF and
   * has no other CR or LF; the search starts afresh for the next line.
   */
  public boolean strictCrlf(ByteBuf in, int lf) {
    int r = in.readerIndex();
    boolean strict = !bareLf && lf > r && in.getByte(lf - 1) == '\r'
        && (lf - 1 == r || in.indexOf(r, lf - 1, (byte) '\r') < 0);
    scanned = 0;
    bareLf = false;
    return strict;
  }

  /**
   * Starts dropping a line: the bytes up to {@code to} are skipped now, the rest with
   * {@link #discard} up to the line's end.
   */
  public void startDiscard(ByteBuf in, int to) {
    lastWasCr = to > in.readerIndex() && in.getByte(to - 1) == '\r';
    in.readerIndex(to);
    scanned = 0;
    bareLf = false;
  }

  /**
   * Drops input up to and including the end of the line being dropped: true when it was reached
   * (the next byte starts a new line), false when all input was dropped and more is needed.
   */
  public boolean discard(ByteBuf in) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int from = r;
    while (from < w) {
      int lf = in.indexOf(from, w, (byte) '\n');
      if (lf < 0) {
        break;
      }
      if (!onlyCrlfEnds || (lf > r ? in.getByte(lf - 1) == '\r' : lastWasCr)) {
        in.readerIndex(lf + 1);
        lastWasCr = false;
        return true;
      }
      from = lf + 1;
    }
    if (w > r) {
      lastWasCr = in.getByte(w - 1) == '\r';
      in.readerIndex(w);
    }
    return false;
  }

  /** Forgets the line in progress (the buffered input was dropped). */
  public void reset() {
    dropping = false;
    scanned = 0;
    bareLf = false;
    lastWasCr = false;
  }
}
