package dev.mailgate.mailbox.search;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Incremental quoted-printable decoding (RFC 2045 section 6.7): "=XX" escapes, soft line breaks
 * ("=" at the end of a line, also when white space follows it) and rule (3), trailing white space
 * of an encoded line is deleted, also on the last line of the data (as Dovecot does). White space
 * is therefore held back until the next byte says whether it trails a line; at most {@link
 * #MAX_HELD_WHITESPACE} bytes of it (lines are at most 76 characters, RFC 2045 section 6.7 rule
 * (5)), beyond which it is taken to be data. Lenient: an "=" that starts no valid escape is kept
 * as it stands.
 */
final class QuotedPrintableDecoder extends TransferDecoder {
  /** White space held back while waiting for the end of its line. */
  static final int MAX_HELD_WHITESPACE = 1024;

  private enum State { TEXT, EQUALS, EQUALS_HEX, EQUALS_WHITESPACE, EQUALS_CR }

  private State state = State.TEXT;
  private byte firstHex;
  private final ByteArrayOutputStream white = new ByteArrayOutputStream();

  @Override
  public ByteBuffer decode(ByteBuffer chunk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.remaining());
    while (chunk.hasRemaining()) {
      step(chunk.get(), out);
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private void step(byte c, ByteArrayOutputStream out) {
    switch (state) {
      case TEXT -> text(c, out);
      case EQUALS -> {
        if (hex(c) >= 0) {
          firstHex = c;
          state = State.EQUALS_HEX;
        } else if (c == ' ' || c == '\t') {
          white.write(c);
          state = State.EQUALS_WHITESPACE;
        } else if (c == '\r') {
          state = State.EQUALS_CR;
        } else if (c == '\n') {
          state = State.TEXT; // soft line break "=" LF
        } else {
          out.write('=');
          state = State.TEXT;
          text(c, out);
        }
      }
      case EQUALS_HEX -> {
        state = State.TEXT;
        if (hex(c) >= 0) {
          out.write(hex(firstHex) << 4 | hex(c));
        } else {
          out.write('=');
          out.write(firstHex);
          text(c, out);
        }
      }
      case EQUALS_WHITESPACE -> {
        if ((c == ' ' || c == '\t') && white.size() < MAX_HELD_WHITESPACE) {
          white.write(c);
        } else if (c == '\r' || c == '\n') {
          white.reset(); // "=" and trailing white space: a soft line break (rule 3 first)
          state = c == '\r' ? State.EQUALS_CR : State.TEXT;
        } else {
          out.write('=');
          state = State.TEXT;
          text(c, out);
        }
      }
      case EQUALS_CR -> {
        state = State.TEXT;
        if (c != '\n') {
          out.write('=');
          out.write('\r');
          text(c, out);
        }
      }
    }
  }

  private void text(byte c, ByteArrayOutputStream out) {
    if (c == ' ' || c == '\t') {
      if (white.size() >= MAX_HELD_WHITESPACE) {
        out.writeBytes(white.toByteArray());
        white.reset();
      }
      white.write(c);
    } else if (c == '\r' || c == '\n') {
      white.reset(); // rule (3): white space at the end of a line is not data
      out.write(c);
    } else {
      out.writeBytes(white.toByteArray());
      white.reset();
      if (c == '=') {
        state = State.EQUALS;
      } else {
        out.write(c);
      }
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }
}
