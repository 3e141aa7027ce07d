package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;

/**
 * Recognises the literal announcement that ends a line: {@code {n}}, {@code {n+}}, {@code {n-}}
 * and the BINARY forms {@code ~{n}}, {@code ~{n+}} (RFC 3501 section 4.3, RFC 7888, RFC 3516
 * section 4.1). The result is packed into one {@code long} so that framing allocates nothing:
 * {@link #NONE} when the line does not end with a marker, else the size with flag bits.
 *
 * <p>{@code {n-}} is how a LITERAL- client may spell a non-synchronising literal in some drafts;
 * RFC 7888 only defines {@code +}, so {@code -} is treated like {@code +} (no continuation is
 * awaited) and bounded by the non-synchronising limit.
 */
final class LiteralMarker {
  /** No literal announced. */
  static final long NONE = -1L;
  /** Longest marker: {@code ~{} + 18 digits + {@code +}}. */
  static final int MAX_LENGTH = 23;

  private static final long NON_SYNC = 1L << 61;
  private static final long BINARY = 1L << 60;
  private static final long SIZE_MASK = BINARY - 1;
  private static final int MAX_DIGITS = 18;

  private LiteralMarker() {}

  static long size(long marker) {
    return marker & SIZE_MASK;
  }

  static boolean nonSync(long marker) {
    return (marker & NON_SYNC) != 0;
  }

  static boolean binary(long marker) {
    return (marker & BINARY) != 0;
  }

  /** Parses the marker ending at {@code end} (exclusive) in {@code buf}, not before {@code start}. */
  static long parse(ByteBuf buf, int start, int end) {
    if (end <= start || buf.getByte(end - 1) != '}') {
      return NONE;
    }
    int i = end - 2;
    long flags = 0;
    if (i >= start) {
      byte b = buf.getByte(i);
      if (b == '+' || b == '-') {
        flags |= NON_SYNC;
        i--;
      }
    }
    long size = 0;
    long scale = 1;
    int digits = 0;
    while (i >= start) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      if (++digits > MAX_DIGITS) {
        return NONE;
      }
      size += (b - '0') * scale;
      scale *= 10;
      i--;
    }
    if (digits == 0 || i < start || buf.getByte(i) != '{') {
      return NONE;
    }
    if (i - 1 >= start && buf.getByte(i - 1) == '~') {
      flags |= BINARY;
    }
    return size | flags;
  }

  /** Same as {@link #parse(ByteBuf, int, int)} over a byte array (the discard path's tail). */
  static long parse(byte[] tail, int length) {
    return parse(io.netty.buffer.Unpooled.wrappedBuffer(tail, 0, length), 0, length);
  }
}
