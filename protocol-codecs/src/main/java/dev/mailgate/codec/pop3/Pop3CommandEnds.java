package dev.mailgate.codec.pop3;

import dev.mailgate.codec.CommandEnds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * POP3 client commands end at their line's LF (RFC 1939 section 3: one command per CRLF-terminated
 * line, and nothing else is sent after login: AUTH's continuation lines only come before it). Any
 * LF counts, with or without its CR, because that is where a lenient backend ends the line: a
 * client cannot send a command the count does not see. A {@code QUIT} line does not count, as on
 * the local tier (leaving is never held back; the backend closes after it). Of a line that spans
 * buffers only its last {@value #TAIL} octets are kept.
 */
public final class Pop3CommandEnds implements CommandEnds {
  /** "QUIT" and its CR. */
  static final int TAIL = 5;

  private final byte[] tail = new byte[TAIL];
  private final ByteBuf tailView = Unpooled.wrappedBuffer(tail);
  private int tailLength;
  /** Octets of the current line seen in earlier buffers. */
  private long lineSoFar;

  @Override
  public int next(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to) {
      int lf = in.indexOf(i, to, (byte) '\n');
      if (lf < 0) {
        remember(in, i, to);
        lineSoFar += to - i;
        return NONE;
      }
      boolean quit;
      if (lineSoFar == 0) {
        int end = lf > i && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        quit = end - i == 4 && isQuit(in, i);
      } else {
        remember(in, i, lf);
        long length = lineSoFar + (lf - i);
        int n = tailLength;
        if (tail[n - 1] == '\r') {
          n--;
          length--;
        }
        quit = length == 4 && isQuit(tailView, n - 4);
        tailLength = 0;
        lineSoFar = 0;
      }
      i = lf + 1;
      if (!quit) {
        return i;
      }
    }
    return NONE;
  }

  private static boolean isQuit(ByteBuf b, int at) {
    return (b.getByte(at) & ~0x20) == 'Q' && (b.getByte(at + 1) & ~0x20) == 'U'
        && (b.getByte(at + 2) & ~0x20) == 'I' && (b.getByte(at + 3) & ~0x20) == 'T';
  }

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
