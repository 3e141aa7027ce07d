package dev.mailgate.codec.smtp;

import java.nio.charset.StandardCharsets;

/**
 * A read position over one command or reply line held in a byte array (without its CRLF). The
 * parsers walk it byte by byte: lines are short and bounded by {@link SmtpLimits}, bodies never
 * come here.
 */
final class LineCursor {
  byte[] bytes;
  int pos;
  int end;

  LineCursor reset(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    return this;
  }

  boolean atEnd() {
    return pos >= end;
  }

  /** The byte at the cursor, or -1 at the end. */
  int peek() {
    return pos < end ? bytes[pos] & 0xFF : -1;
  }

  int next() {
    return pos < end ? bytes[pos++] & 0xFF : -1;
  }

  void expect(int c, String what) {
    if (next() != c) {
      throw SmtpSyntaxException.syntax(what);
    }
  }

  /** Consumes {@code word} (upper-case ASCII) case-insensitively if it is next. */
  boolean skipIgnoreCase(String word) {
    int n = word.length();
    if (end - pos < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = bytes[pos + i] & 0xFF;
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      if (c != word.charAt(i)) {
        return false;
      }
    }
    pos += n;
    return true;
  }

  /** Skips spaces; returns how many. */
  int skipSpaces() {
    int start = pos;
    while (pos < end && bytes[pos] == ' ') {
      pos++;
    }
    return pos - start;
  }

  /** Ends the line, tolerating trailing spaces. */
  void expectEnd(String what) {
    skipSpaces();
    if (pos != end) {
      throw SmtpSyntaxException.syntax(what);
    }
  }

  /** Advances to the next space or the end and returns the start of the token. */
  int token() {
    int start = pos;
    while (pos < end && bytes[pos] != ' ') {
      pos++;
    }
    return start;
  }

  String ascii(int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
  }

  /** ASCII when every byte is, else UTF-8 after checking it is well formed (RFC 3629). */
  String text(int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] < 0) {
        Utf8.requireWellFormed(bytes, from, to);
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
      }
    }
    return ascii(from, to);
  }
}
