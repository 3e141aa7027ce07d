package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;

/**
 * The command verbs of RFC 5321 4.1.1 and the extensions the gateway speaks (STARTTLS RFC 3207,
 * AUTH RFC 4954, BDAT RFC 3030, XCLIENT as Postfix defines it). {@link #lookup} matches verbs case
 * insensitively straight from the buffer without allocating.
 */
public enum SmtpVerb {
  HELO, EHLO, MAIL, RCPT, DATA, BDAT, RSET, NOOP, QUIT, VRFY, EXPN, HELP, STARTTLS, AUTH, XCLIENT;

  private final byte[] wire = name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The verb as sent on the wire (upper case). */
  public byte[] wireBytes() {
    return wire.clone();
  }

  int wireLength() {
    return wire.length;
  }

  void writeTo(ByteBuf out) {
    out.writeBytes(wire);
  }

  // Four ASCII letters packed big-endian; clearing bit 5 upper-cases letters and maps no other
  // byte onto a letter, so one int compare matches case-insensitively.
  private static final int W_HELO = 'H' << 24 | 'E' << 16 | 'L' << 8 | 'O';
  private static final int W_EHLO = 'E' << 24 | 'H' << 16 | 'L' << 8 | 'O';
  private static final int W_MAIL = 'M' << 24 | 'A' << 16 | 'I' << 8 | 'L';
  private static final int W_RCPT = 'R' << 24 | 'C' << 16 | 'P' << 8 | 'T';
  private static final int W_DATA = 'D' << 24 | 'A' << 16 | 'T' << 8 | 'A';
  private static final int W_BDAT = 'B' << 24 | 'D' << 16 | 'A' << 8 | 'T';
  private static final int W_RSET = 'R' << 24 | 'S' << 16 | 'E' << 8 | 'T';
  private static final int W_NOOP = 'N' << 24 | 'O' << 16 | 'O' << 8 | 'P';
  private static final int W_QUIT = 'Q' << 24 | 'U' << 16 | 'I' << 8 | 'T';
  private static final int W_VRFY = 'V' << 24 | 'R' << 16 | 'F' << 8 | 'Y';
  private static final int W_EXPN = 'E' << 24 | 'X' << 16 | 'P' << 8 | 'N';
  private static final int W_HELP = 'H' << 24 | 'E' << 16 | 'L' << 8 | 'P';
  private static final int W_AUTH = 'A' << 24 | 'U' << 16 | 'T' << 8 | 'H';
  private static final int UPPER4 = 0xDFDFDFDF;
  private static final long W_STARTTLS = 0x5354415254544C53L; // "STARTTLS"
  private static final long UPPER8 = 0xDFDFDFDFDFDFDFDFL;
  private static final long W_XCLIENT = 0x58434C49454E5400L; // "XCLIENT" in the top 7 bytes
  private static final long UPPER7 = 0xDFDFDFDFDFDFDF00L;

  /** The verb spelled by {@code length} bytes of {@code a} at {@code off}, or {@code null}. */
  public static SmtpVerb lookup(byte[] a, int off, int length) {
    switch (length) {
      case 4:
        return lookup4(int4(a, off) & UPPER4);
      case 7:
        long x = (long) int4(a, off) << 32
            | (a[off + 4] & 0xFFL) << 24 | (a[off + 5] & 0xFFL) << 16 | (a[off + 6] & 0xFFL) << 8;
        return (x & UPPER7) == W_XCLIENT ? XCLIENT : null;
      case 8:
        long y = (long) int4(a, off) << 32 | (int4(a, off + 4) & 0xFFFFFFFFL);
        return (y & UPPER8) == W_STARTTLS ? STARTTLS : null;
      default:
        return null;
    }
  }

  private static int int4(byte[] a, int off) {
    return (a[off] & 0xFF) << 24 | (a[off + 1] & 0xFF) << 16 | (a[off + 2] & 0xFF) << 8
        | (a[off + 3] & 0xFF);
  }

  /** The verb spelled by {@code length} bytes at {@code index}, or {@code null}. */
  public static SmtpVerb lookup(ByteBuf buf, int index, int length) {
    switch (length) {
      case 4:
        return lookup4(buf.getInt(index) & UPPER4);
      case 7:
        long x = ((long) buf.getInt(index) << 32 | (buf.getMedium(index + 4) & 0xFFFFFFL) << 8);
        return (x & UPPER7) == W_XCLIENT ? XCLIENT : null;
      case 8:
        return (buf.getLong(index) & UPPER8) == W_STARTTLS ? STARTTLS : null;
      default:
        return null;
    }
  }

  private static SmtpVerb lookup4(int w) {
    switch (w) {
      case W_HELO: return HELO;
      case W_EHLO: return EHLO;
      case W_MAIL: return MAIL;
      case W_RCPT: return RCPT;
      case W_DATA: return DATA;
      case W_BDAT: return BDAT;
      case W_RSET: return RSET;
      case W_NOOP: return NOOP;
      case W_QUIT: return QUIT;
      case W_VRFY: return VRFY;
      case W_EXPN: return EXPN;
      case W_HELP: return HELP;
      case W_AUTH: return AUTH;
      default: return null;
    }
  }
}
