package dev.mailgate.gateway.local.imap;

import java.nio.ByteBuffer;

/**
 * A literal's octets are CHAR8, which excludes NUL (RFC 3501 section 9, RFC 9051 section 9); only a
 * literal8 ({@code ~{n}}, RFC 3516) may carry one. Message content stored with NUL bytes (APPEND
 * accepts them) therefore goes out in BODY[] and RFC822 literals with 0x80 in their place, as
 * Dovecot sends it: the length stays what RFC822.SIZE, BODYSTRUCTURE and partial offsets say.
 * BINARY[] sends the bytes as stored.
 */
final class NulOctets {
  static final byte REPLACEMENT = (byte) 0x80;

  private NulOctets() {}

  /** {@code b} itself when it holds no NUL, else a copy with every NUL replaced. */
  static ByteBuffer replaced(ByteBuffer b) {
    int from = b.position();
    int to = b.limit();
    int nul = -1;
    for (int i = from; i < to && nul < 0; i++) {
      if (b.get(i) == 0) {
        nul = i;
      }
    }
    if (nul < 0) {
      return b;
    }
    ByteBuffer copy = ByteBuffer.allocate(to - from);
    copy.put(b.duplicate()).flip();
    for (int i = nul - from; i < copy.limit(); i++) {
      if (copy.get(i) == 0) {
        copy.put(i, REPLACEMENT);
      }
    }
    return copy;
  }

  /** {@code a} with every NUL replaced, in place. */
  static byte[] replaced(byte[] a) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0) {
        a[i] = REPLACEMENT;
      }
    }
    return a;
  }
}
