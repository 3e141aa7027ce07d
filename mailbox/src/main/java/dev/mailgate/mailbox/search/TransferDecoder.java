package dev.mailgate.mailbox.search;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Incremental Content-Transfer-Encoding decoding (RFC 2045 sections 6.7 and 6.8) for body search:
 * each chunk is decoded as far as it goes and the few undecodable trailing bytes (an incomplete
 * base64 quantum, a split "=XX", white space that may trail a line) are carried to the next chunk.
 * Lenient: invalid input is skipped or kept, never an error. Also serves IMAP BINARY (RFC 3516),
 * which returns decoded parts.
 */
public abstract class TransferDecoder {
  /** Decodes one chunk; the result may be shorter (bytes carried) or empty. */
  public abstract ByteBuffer decode(ByteBuffer chunk);

  /** True for the encodings {@link #of} decodes or passes through (RFC 2045 section 6.1). */
  public static boolean known(String encoding) {
    return switch (encoding) {
      case "7bit", "8bit", "binary", "base64", "quoted-printable" -> true;
      default -> false;
    };
  }

  /** A decoder for a lower-case Content-Transfer-Encoding; an unknown one passes through. */
  public static TransferDecoder of(String encoding) {
    return switch (encoding) {
      case "base64" -> new Base64();
      case "quoted-printable" -> new QuotedPrintableDecoder();
      default -> new Identity();
    };
  }

  private static final class Identity extends TransferDecoder {
    @Override
    public ByteBuffer decode(ByteBuffer chunk) {
      return chunk;
    }
  }

  private static final class Base64 extends TransferDecoder {
    private int quantum;
    private int count;

    @Override
    public ByteBuffer decode(ByteBuffer chunk) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.remaining() * 3 / 4 + 3);
      while (chunk.hasRemaining()) {
        byte c = chunk.get();
        if (c == '=') {
          padding(out); // the end of the data: a 2- or 3-character final quantum
          continue;
        }
        int v = value(c);
        if (v < 0) {
          continue; // line breaks, garbage
        }
        quantum = (quantum << 6) | v;
        if (++count == 4) {
          out.write(quantum >> 16);
          out.write(quantum >> 8);
          out.write(quantum);
          quantum = 0;
          count = 0;
        }
      }
      byte[] b = out.toByteArray();
      return ByteBuffer.wrap(b);
    }

    private void padding(ByteArrayOutputStream out) {
      if (count == 2) {
        out.write(quantum >> 4);
      } else if (count == 3) {
        out.write(quantum >> 10);
        out.write(quantum >> 2);
      }
      quantum = 0;
      count = 0;
    }

    private static int value(byte c) {
      if (c >= 'A' && c <= 'Z') {
        return c - 'A';
      }
      if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
      }
      if (c >= '0' && c <= '9') {
        return c - '0' + 52;
      }
      return c == '+' ? 62 : c == '/' ? 63 : -1;
    }
  }
}
