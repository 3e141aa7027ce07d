package dev.mailgate.codec.imap;

import dev.mailgate.codec.LineTail;
import io.netty.buffer.ByteBuf;

/**
 * What the command and response framers share (RFC 9051 sections 2.2 and 4.3): finding the LF of
 * the next line within the line limit, without rescanning a line that arrives slowly; the strict
 * CRLF rule; and dropping a broken command or response to its end, keeping the last bytes of each
 * dropped line so that a literal announced there is skipped rather than read as lines. Literal
 * bytes are never looked at.
 */
final class ImapLineScanner {
  /** {@link #findLf}: no LF yet, wait for more bytes. */
  static final int NEED_MORE = -1;
  /** {@link #findLf}: no LF within the line limit. */
  static final int TOO_LONG = -2;

  private final int maxLineLength;
  private final LineTail tail = new LineTail(LiteralMarker.MAX_LENGTH + 1);
  private int scanned;
  private long skipping;

  ImapLineScanner(int maxLineLength) {
    this.maxLineLength = maxLineLength;
  }

  /** Index of the LF ending the line at the reader index, or {@link #NEED_MORE} / {@link #TOO_LONG}. */
  int findLf(ByteBuf in) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    int max = maxLineLength + 2;
    int window = Math.min(readable, max);
    // Resume the LF search where the previous call stopped: no rescans of a slowly arriving line.
    int lf = in.indexOf(start + Math.min(scanned, window), start + window, (byte) '\n');
    if (lf >= 0) {
      scanned = 0;
      return lf;
    }
    if (readable < max) {
      scanned = window;
      return NEED_MORE;
    }
    scanned = 0;
    return TOO_LONG;
  }

  /** Whether the line {@code [start, lf]} ends with CRLF and has no other CR. */
  static boolean strictCrlf(ByteBuf in, int start, int lf) {
    return lf > start && in.getByte(lf - 1) == '\r' && in.indexOf(start, lf - 1, (byte) '\r') < 0;
  }

  /**
   * Starts dropping a broken command or response at the reader index: first {@code literal}
   * octets of a refused literal (0 when none), then the rest of the line.
   */
  void startDiscard(long literal) {
    tail.clear();
    scanned = 0;
    skipping = literal;
  }

  /**
   * Drops input until the broken command or response ends; true when it has (the next byte starts
   * a new one), false when more input is needed. A literal announced at the end of a dropped line
   * is skipped unread when its bytes follow without waiting: always from a server ({@code
   * serverSide}), only {@code {n+}} from a client (a synchronising literal waits for a "+" that
   * never comes, so the command ends there).
   */
  boolean discard(ByteBuf in, boolean serverSide) {
    for (;;) {
      if (skipping > 0) {
        int n = (int) Math.min(in.readableBytes(), skipping);
        in.skipBytes(n);
        skipping -= n;
        if (skipping > 0) {
          return false;
        }
        tail.clear();
      }
      int start = in.readerIndex();
      int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
      if (lf < 0) {
        tail.remember(in, start, in.writerIndex());
        in.skipBytes(in.readableBytes());
        return false;
      }
      tail.remember(in, start, lf);
      in.readerIndex(lf + 1);
      tail.dropCr();
      long marker = LiteralMarker.parse(tail.array(), tail.length());
      tail.clear();
      if (marker == LiteralMarker.NONE || !(serverSide || LiteralMarker.nonSync(marker))) {
        return true;
      }
      skipping = LiteralMarker.size(marker);
    }
  }
}
