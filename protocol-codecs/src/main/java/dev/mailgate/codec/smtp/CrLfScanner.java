package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF eight bytes at a time (SWAR): the only bytes the DATA decoder has to
 * look at inside a line, so message bodies are scanned in bulk, never byte by byte.
 */
final class CrLfScanner {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long CRS = 0x0D0D0D0D0D0D0D0DL;
  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private CrLfScanner() {}

  /** Index of the first CR or LF in {@code [from, to)}, or -1. */
  static int indexOfCrOrLf(ByteBuf buf, int from, int to) {
    if (buf.hasArray()) {
      int off = buf.arrayOffset();
      int at = indexOf(buf.array(), from + off, to + off);
      return at < 0 ? -1 : at - off;
    }
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long hits = hits(buf.getLongLE(i));
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte b = buf.getByte(i);
      if (b == '\r' || b == '\n') {
        return i;
      }
    }
    return -1;
  }

  static int indexOf(byte[] a, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long hits = hits((long) LONG_LE.get(a, i));
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte b = a[i];
      if (b == '\r' || b == '\n') {
        return i;
      }
    }
    return -1;
  }

  // High bit set in each byte equal to CR or LF. Borrows can flag bytes above a real match but
  // never below it, so the lowest flag is always exact.
  private static long hits(long x) {
    long cr = x ^ CRS;
    long lf = x ^ LFS;
    return ((cr - ONES) & ~cr | (lf - ONES) & ~lf) & HIGHS;
  }
}
