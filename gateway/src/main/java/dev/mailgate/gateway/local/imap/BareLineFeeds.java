package dev.mailgate.gateway.local.imap;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Puts a CR before every bare LF of an APPENDed message, chunk by chunk, so the local store only
 * holds lines that end in CRLF (RFC 5322 section 2.3; RFC 3501 section 6.3.11 asks for a message in
 * that form, but clients and scripts APPEND files with bare LFs).
 *
 * <p>Why at APPEND: the store's size is what IMAP's RFC822.SIZE and POP3's STAT and LIST report
 * (RFC 1939 section 11: sizes count CRLF as two octets), and RETR must send CRLF lines with
 * dot-stuffing that a client can undo. A message stored with bare LFs would make POP3 either send
 * bare LFs or send more octets than LIST announced. Dovecot gives the same answers (it sends CRLF
 * lines in FETCH and RETR and counts the CRs in RFC822.SIZE and LIST). A literal8 ({@code ~{n}},
 * RFC 3516) is binary and is stored as sent: this class is not used for it.
 *
 * <p>Remembers whether the previous chunk ended in CR, so a CRLF split across chunks gets no second
 * CR. A bare CR is left alone. One instance per message.
 */
final class BareLineFeeds {
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private boolean afterCr;

  /**
   * A new buffer (position 0) with {@code chunk}'s readable bytes, a CR put before each bare LF;
   * {@code chunk} is neither consumed nor released.
   */
  ByteBuffer toCrlf(ByteBuf chunk) {
    int from = chunk.readerIndex();
    int to = chunk.writerIndex();
    int bare = 0;
    for (int lf = chunk.indexOf(from, to, LF); lf >= 0; lf = chunk.indexOf(lf + 1, to, LF)) {
      if (!endsInCr(chunk, from, lf)) {
        bare++;
      }
    }
    byte[] out = new byte[to - from + bare];
    int written = 0;
    int copied = from;
    for (int lf = bare == 0 ? -1 : chunk.indexOf(from, to, LF); lf >= 0;
        lf = chunk.indexOf(lf + 1, to, LF)) {
      if (!endsInCr(chunk, from, lf)) {
        chunk.getBytes(copied, out, written, lf - copied);
        written += lf - copied;
        out[written++] = CR;
        copied = lf;
      }
    }
    chunk.getBytes(copied, out, written, to - copied);
    if (to > from) {
      afterCr = chunk.getByte(to - 1) == CR;
    }
    return ByteBuffer.wrap(out);
  }

  /** Whether the byte before {@code lf} (in this chunk or, at its start, the previous) is a CR. */
  private boolean endsInCr(ByteBuf chunk, int from, int lf) {
    return lf > from ? chunk.getByte(lf - 1) == CR : afterCr;
  }
}
