package dev.mailgate.codec.pop3;

import dev.mailgate.codec.CommandEnds;
import dev.mailgate.codec.LineTail;
import io.netty.buffer.ByteBuf;

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

  private final LineTail tail = new LineTail(TAIL);
  /** Octets of the current line seen in earlier buffers. */
  private long lineSoFar;

  @Override
  public int next(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to) {
      int lf = in.indexOf(i, to, (byte) '\n');
      if (lf < 0) {
        tail.remember(in, i, to);
        lineSoFar += to - i;
        return NONE;
      }
      boolean quit;
      if (lineSoFar == 0) {
        int end = lf > i && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        quit = end - i == 4 && isQuit(in, i);
      } else {
        tail.remember(in, i, lf);
        long length = lineSoFar + (lf - i);
        if (tail.dropCr()) {
          length--;
        }
        quit = length == 4 && isQuit(tail.view(), tail.length() - 4);
        tail.clear();
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
}
