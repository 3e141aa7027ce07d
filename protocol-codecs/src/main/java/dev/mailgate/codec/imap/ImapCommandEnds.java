package dev.mailgate.codec.imap;

import dev.mailgate.codec.CommandEnds;
import dev.mailgate.codec.LineTail;
import io.netty.buffer.ByteBuf;

/**
 * Where IMAP client commands end in an undecoded stream (RFC 9051 section 2.2.1): at the LF of a
 * line that does not announce a literal. A line ending in {@code {n}}, {@code {n+}}, {@code {n-}}
 * or {@code ~{n}} ({@link LiteralMarker}, as the framer reads it) continues after the literal's
 * {@code n} octets, which are skipped by count and never looked at, so a message being APPENDed
 * counts once however many lines it has. Lines are found with {@link ByteBuf#indexOf}; only the
 * last {@value #TAIL} octets of a line that spans buffers are kept, for its marker. Two lines do
 * not count, as on the local tier: {@code DONE} (RFC 2177, ending IDLE: not a command) and {@code
 * tag LOGOUT} (leaving is never held back; the backend ends the session after it, so it cannot be
 * used to send more).
 *
 * <p>Any LF ends a line, with or without its CR: a lenient backend (Dovecot) reads it so, and the
 * count must not miss a command the backend will run. Limit: the count cannot tell whether the
 * backend accepted a synchronising literal; when it refuses one (a tagged {@code NO} instead of
 * {@code +}), the octets announced are skipped although the client sends commands instead.
 */
public final class ImapCommandEnds implements CommandEnds {
  /** Octets kept of a line that spans buffers: its longest marker and the CR after it. */
  static final int TAIL = LiteralMarker.MAX_LENGTH + 1;
  private static final byte[] DONE = {'D', 'O', 'N', 'E'};
  /** " LOGOUT": after the tag, the whole of a LOGOUT command's line. */
  private static final byte[] LOGOUT = {' ', 'L', 'O', 'G', 'O', 'U', 'T'};

  private final LineTail tail = new LineTail(TAIL);
  /** Octets of the current line seen in earlier buffers (0: it starts where the next call does). */
  private long lineSoFar;
  /** Where the current line's first space is, counted from its start; -1 when not seen yet. */
  private long firstSpace = -1;
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
      boolean free;
      if (lineSoFar == 0) {
        int end = lf > i && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        marker = LiteralMarker.parse(in, i, end);
        free = firstLine && marker == LiteralMarker.NONE
            && isFree(in, end, end - i, end - i < LOGOUT.length ? -1 : in.indexOf(i, end, (byte) ' ') - i);
      } else {
        remember(in, i, lf);
        long length = lineSoFar + (lf - i);
        if (tail.dropCr()) {
          length--;
        }
        int n = tail.length();
        marker = LiteralMarker.parse(tail.view(), 0, n);
        free = firstLine && marker == LiteralMarker.NONE && isFree(tail.view(), n, length, firstSpace);
        tail.clear();
        lineSoFar = 0;
        firstSpace = -1;
      }
      i = lf + 1;
      if (marker != LiteralMarker.NONE) {
        literal = LiteralMarker.size(marker);
        firstLine = false;
        continue;
      }
      firstLine = true;
      if (!free) {
        return i;
      }
    }
    return NONE;
  }

  /**
   * Whether the whole line, ending at {@code end} in {@code b} and {@code length} octets long, its
   * first space at {@code space} (-1: none), is {@code DONE} or {@code tag LOGOUT}.
   */
  private static boolean isFree(ByteBuf b, int end, long length, long space) {
    if (length == DONE.length) {
      return endsWith(b, end, DONE);
    }
    return space > 0 && space == length - LOGOUT.length && endsWith(b, end, LOGOUT);
  }

  /** Whether {@code b} holds {@code word} (upper case) just before {@code end}, in any case. */
  private static boolean endsWith(ByteBuf b, int end, byte[] word) {
    int at = end - word.length;
    for (int k = 0; k < word.length; k++) {
      byte c = b.getByte(at + k);
      if (word[k] == ' ' ? c != ' ' : (c & ~0x20) != word[k]) {
        return false;
      }
    }
    return true;
  }

  /** Keeps the last {@link #TAIL} octets of the line so far, {@code in[from, to)} being its newest. */
  private void remember(ByteBuf in, int from, int to) {
    int n = to - from;
    if (firstSpace < 0 && n > 0) {
      int sp = in.indexOf(from, to, (byte) ' ');
      if (sp >= 0) {
        firstSpace = lineSoFar + (sp - from);
      }
    }
    tail.remember(in, from, to);
  }
}
