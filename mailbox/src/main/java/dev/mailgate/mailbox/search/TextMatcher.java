package dev.mailgate.mailbox.search;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Locale;

/**
 * Case-insensitive substring search over a stream of byte chunks in a given charset (UTF-8 by
 * default, RFC 9051 section 6.4.4): chunks are decoded incrementally (a character split across
 * chunks is completed by the next), folded, and searched with {@code indexOf} over the new text
 * plus a carry of the previous {@code needle.length() - 1} characters, so matches spanning chunk
 * boundaries are found and memory stays bounded by the chunk size.
 */
final class TextMatcher {
  private final String needle;
  private final CharsetDecoder decoder;
  private final ByteBuffer pending = ByteBuffer.allocate(16);
  private String carry = "";
  private boolean found;

  TextMatcher(String needle, Charset charset) {
    this.needle = fold(needle);
    this.decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    this.found = this.needle.isEmpty();
  }

  static String fold(String s) {
    return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  /** Feeds the next chunk; returns true once the needle has been seen. */
  boolean feed(ByteBuffer chunk) {
    if (found) {
      return true;
    }
    ByteBuffer in;
    if (pending.position() > 0) {
      pending.flip();
      in = ByteBuffer.allocate(pending.remaining() + chunk.remaining());
      in.put(pending).put(chunk.duplicate()).flip();
      pending.clear();
    } else {
      in = chunk.duplicate();
    }
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.decode(in, out, false);
    if (in.hasRemaining() && in.remaining() <= pending.capacity()) {
      pending.put(in); // an incomplete character, completed by the next chunk
    }
    out.flip();
    String text = carry + fold(out.toString());
    if (text.contains(needle)) {
      found = true;
      return true;
    }
    int keep = Math.min(text.length(), Math.max(0, needle.length() - 1));
    carry = text.substring(text.length() - keep);
    return false;
  }

  boolean found() {
    return found;
  }
}
