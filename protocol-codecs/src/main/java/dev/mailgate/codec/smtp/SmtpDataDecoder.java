package dev.mailgate.codec.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;

/**
 * Streams the content that follows an accepted DATA (RFC 5321 4.1.1.4, 4.5.2) as
 * {@link SmtpContent} slices and ends with {@link DataEnd} or a {@link DecodeFailure}.
 *
 * <p>The end is only {@code CRLF.CRLF}, the start of the content counting as just after a CRLF
 * (so an empty message is {@code .CRLF}). {@code LF.LF}, {@code CR.CR}, {@code LF.CRLF},
 * {@code CRLF.LF} and the like are content, never the end: SMTP smuggling needs a receiver that
 * disagrees with the sender about where a message ends.
 *
 * <p>Modes: {@link Mode#PASS_THROUGH} emits the bytes exactly as received, dot-stuffing included,
 * for relaying (the relay writes {@code .CRLF} itself after {@link DataEnd}); {@link Mode#UNSTUFF}
 * removes the leading dot of dot-stuffed lines for local delivery. Either way the final CRLF
 * belongs to the content and {@code .CRLF} does not.
 *
 * <p>Bare CR and LF are content and are counted in {@link DataEnd}. Unless
 * {@link SmtpLimits#allowBareLineEndingsInData()}, the first one stops the emission of content and
 * the message ends with BAD_LINE_ENDING (answer 550 5.5.2 or similar, abort the backend leg),
 * because a lenient backend could end the relayed message at them. Over
 * {@link SmtpLimits#maxDataSize()} content is dropped as it arrives, and the message ends with
 * MESSAGE_TOO_BIG (552 5.3.4); either failure is emitted only at the terminator, so the session
 * answers in step with the client.
 *
 * <p>Only CR and LF are examined inside a line, found with {@link CrLfScanner}; the few bytes
 * after a line break are followed by a tiny state machine. State across buffers: one state value
 * and counters. A dot at a line start is held back until the next bytes decide its fate.
 *
 * <p>Each call emits at most one {@link SmtpContent} (plus one per {@value #MAX_PIECES} removed
 * dots): a consumer pays per chunk, not per line. The pieces between removed dots are gathered
 * as zero-copy slices into a {@link CompositeByteBuf}.
 */
public final class SmtpDataDecoder {
  /** What happens to dot-stuffing (RFC 5321 4.5.2). */
  public enum Mode { PASS_THROUGH, UNSTUFF }

  private static final int MID = 0;
  private static final int CR = 1;
  private static final int BOL = 2;
  private static final int DOT = 3;
  private static final int DOT_CR = 4;
  /** Slices gathered into one chunk at most: bounds the bookkeeping when every line is stuffed. */
  static final int MAX_PIECES = 1024;

  private Mode mode;
  private final long maxSize;
  private final boolean allowBare;

  private int state = BOL;
  private long size;
  /** PASS_THROUGH: stuffing dots passed on, not part of the message (SIZE counts the message). */
  private long stuffing;
  private long bareLf;
  private long bareCr;
  private boolean tooBig;
  private boolean refused;
  private ByteBuf gathered;
  private int pieces;

  public SmtpDataDecoder(Mode mode, SmtpLimits limits) {
    this.mode = java.util.Objects.requireNonNull(mode, "mode");
    this.maxSize = limits.maxDataSize();
    this.allowBare = limits.allowBareLineEndingsInData();
  }

  public Mode mode() {
    return mode;
  }

  /**
   * Sets the mode of the next message (call before it starts, with {@link #reset()}): a session
   * relays DATA as received when its destination takes dot-stuffed content, and unstuffs it when
   * the destination is a local store.
   */
  public void mode(Mode next) {
    this.mode = java.util.Objects.requireNonNull(next, "mode");
  }

  /** Prepares for a new message. */
  public void reset() {
    state = BOL;
    size = 0;
    stuffing = 0;
    bareLf = 0;
    bareCr = 0;
    tooBig = false;
    refused = false;
    if (gathered != null) {
      gathered.release();
      gathered = null;
      pieces = 0;
    }
  }

  /**
   * Consumes content from {@code in}, adding {@link SmtpContent} and finally {@link DataEnd} or a
   * {@link DecodeFailure} to {@code out}. Returns true when the terminator was read; bytes after it
   * are left in {@code in}. May leave up to two bytes ({@code .} or {@code .CR}) unread until more
   * arrive.
   */
  public boolean decode(ByteBuf in, List<Object> out) {
    final int w = in.writerIndex();
    int emitFrom = in.readerIndex();
    int i = emitFrom;
    int dotAt = -1;
    int s = state;
    while (i < w) {
      if (s == MID) {
        int hit = CrLfScanner.indexOfCrOrLf(in, i, w);
        if (hit < 0) {
          i = w;
          break;
        }
        // Fast path for the common line break: CRLF followed by an ordinary byte needs no state.
        if (hit + 2 < w && in.getByte(hit) == '\r' && in.getByte(hit + 1) == '\n') {
          byte next = in.getByte(hit + 2);
          if (next != '.' && next != '\r' && next != '\n') {
            i = hit + 3;
            continue;
          }
        }
        i = hit;
      }
      byte b = in.getByte(i);
      switch (s) {
        case MID:
          s = b == '\r' ? CR : bare(MID, true);
          break;
        case CR:
          s = b == '\n' ? BOL : b == '\r' ? bare(CR, false) : bare(MID, false);
          break;
        case BOL:
          s = b == '.' ? DOT : b == '\r' ? CR : b == '\n' ? bare(MID, true) : MID;
          dotAt = i;
          break;
        case DOT:
          if (b == '\r') {
            s = DOT_CR;
            break;
          }
          emitFrom = unstuff(in, emitFrom, dotAt, out);
          s = b == '\n' ? bare(MID, true) : MID;
          break;
        default: // DOT_CR
          if (b == '\n') {
            emit(in, emitFrom, dotAt, out);
            flush(out);
            in.readerIndex(i + 1);
            out.add(finish());
            return true;
          }
          emitFrom = unstuff(in, emitFrom, dotAt, out);
          bare(MID, false);
          s = b == '\r' ? CR : MID;
          break;
      }
      i++;
    }
    if (s == DOT || s == DOT_CR) {
      // The line start "." or ".CR" is not decided yet: keep it unread and look again later.
      emit(in, emitFrom, dotAt, out);
      in.readerIndex(dotAt);
      state = BOL;
    } else {
      emit(in, emitFrom, w, out);
      in.readerIndex(w);
      state = s;
    }
    flush(out);
    return false;
  }

  private int bare(int next, boolean lf) {
    if (lf) {
      bareLf++;
    } else {
      bareCr++;
    }
    if (!allowBare) {
      refused = true;
    }
    return next;
  }

  /**
   * A line starts with a dot but is not ".CRLF": drop the dot in UNSTUFF mode; in PASS_THROUGH
   * keep it, but count it apart, so that the size limit is the same in both modes.
   */
  private int unstuff(ByteBuf in, int emitFrom, int dotAt, List<Object> out) {
    if (mode != Mode.UNSTUFF) {
      stuffing++;
      return emitFrom;
    }
    emit(in, emitFrom, dotAt, out);
    return dotAt + 1;
  }

  private void emit(ByteBuf in, int from, int to, List<Object> out) {
    int len = to - from;
    if (len <= 0) {
      return;
    }
    size += len;
    if (size - stuffing > maxSize) {
      tooBig = true;
    }
    if (!tooBig && !refused) {
      gather(in.retainedSlice(from, len), out);
    }
  }

  private void gather(ByteBuf piece, List<Object> out) {
    if (gathered == null) {
      gathered = piece;
    } else {
      CompositeByteBuf whole;
      if (pieces == 1) {
        whole = piece.alloc().compositeBuffer(MAX_PIECES);
        whole.addComponent(true, gathered);
        gathered = whole;
      } else {
        whole = (CompositeByteBuf) gathered;
      }
      whole.addComponent(true, piece);
    }
    if (++pieces == MAX_PIECES) {
      flush(out);
    }
  }

  private void flush(List<Object> out) {
    if (gathered != null) {
      out.add(new SmtpContent(gathered));
      gathered = null;
      pieces = 0;
    }
  }

  private Object finish() {
    Object result;
    if (tooBig) {
      result = DecodeFailure.of(ProtocolError.MESSAGE_TOO_BIG, "message exceeds " + maxSize + " octets");
    } else if (refused) {
      result = DecodeFailure.of(ProtocolError.BAD_LINE_ENDING, "bare CR or LF in message content");
    } else {
      result = new DataEnd(size - stuffing, bareLf, bareCr);
    }
    reset();
    return result;
  }
}
