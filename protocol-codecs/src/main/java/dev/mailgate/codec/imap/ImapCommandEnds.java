package dev.mailgate.codec.imap;

import dev.mailgate.codec.CommandEnds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Where IMAP client commands end in an undecoded stream (RFC 9051 section 2.2.1): at the LF of a
 * line that does not announce a literal. A line ending in {@code {n}}, {@code {n+}}, {@code {n-}}
 * or {@code ~{n}} ({@link LiteralMarker}, as the framer reads it) continues after the literal's
 * {@code n} octets, which are skipped by count and never looked at, so a message being APPENDed
 * counts once however many lines it has. Lines are found with {@link ByteBuf#indexOf}; only the
 * last {@value #TAIL} octets of a line that spans buffers are kept, for its marker. A {@code DONE}
 * line (RFC 2177, ending IDLE) is not a command, as on the local tier.
 *
 * <p>Any LF ends a line, with or without its CR: a lenient backend (Dovecot) reads it so, and the
 * count must not miss a command the backend will run. Limit: the count cannot tell whether the
 * backend accepted a synchronising literal; when it refuses one (a tagged {@code NO} instead of
 * {@code +}), the octets announced are skipped although the client sends commands instead.
 */
public final class ImapCommandEnds implements CommandEnds {
  /** Octets kept of a line that spans buffers: its longest marker and the CR after it. */
  static final int TAIL = LiteralMarker.MAX_LENGTH + 1;

  private final byte[] tail = new byte[TAIL];
  /** A view of {@link #tail} for {@link LiteralMarker#parse(ByteBuf, int, int)}, made once. */
  private final ByteBuf tailView = Unpooled.wrappedBuffer(tail);
  private int tailLength;
  /** Octets of the current line seen in earlier buffers (0: it starts where the next call does). */
  private long lineSoFar;
  /** Literal octets still to skip. */
  private long literal;
  /** The current line starts a command (no literal before it), so it may be a bare DONE. */
  private boolean firstLine = true;

  @Override
  public int next(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to) {
      if (literal > 0) {
        int n = (int) Math.min(to - i, literal);
        i += n;
        literal -= n;
        continue;
      }
      int lf = in.indexOf(i, to, (byte) '\n');
      if (lf < 0) {
        remember(in, i, to);
        lineSoFar += to - i;
        return NONE;
      }
      long marker;
      boolean done;
      if (lineSoFar == 0) {
        int end = lf > i && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        marker = LiteralMarker.parse(in, i, end);
        done = firstLine && end - i == 4 && isDone(in, i);
      } else {
        remember(in, i, lf);
        long length = lineSoFar + (lf - i);
        int n = tailLength;
        if (tail[n - 1] == '\r') {
          n--;
          length--;
        }
        marker = LiteralMarker.parse(tailView, 0, n);
        done = firstLine && length == 4 && isDone(tailView, n - 4);
        tailLength = 0;
        lineSoFar = 0;
      }
      i = lf + 1;
      if (marker != LiteralMarker.NONE) {
        literal = LiteralMarker.size(marker);
        firstLine = false;
        continue;
      }
      firstLine = true;
      if (!done) {
        return i;
      }
    }
    return NONE;
  }

  private static boolean isDone(ByteBuf b, int at) {
    return (b.getByte(at) | 0x20) == 'd' && (b.getByte(at + 1) | 0x20) == 'o'
        && (b.getByte(at + 2) | 0x20) == 'n' && (b.getByte(at + 3) | 0x20) == 'e';
  }

  /** Keeps the last {@link #TAIL} octets of the line so far, {@code in[from, to)} being its newest. */
  private void remember(ByteBuf in, int from, int to) {
    int n = to - from;
    if (n >= TAIL) {
      in.getBytes(to - TAIL, tail, 0, TAIL);
      tailLength = TAIL;
      return;
    }
    int drop = Math.max(0, tailLength + n - TAIL);
    if (drop > 0) {
      System.arraycopy(tail, drop, tail, 0, tailLength - drop);
      tailLength -= drop;
    }
    in.getBytes(from, tail, tailLength, n);
    tailLength += n;
  }
}
