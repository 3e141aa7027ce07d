package dev.mailgate.codec.imap;

import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over a framed command or response for the recursive-descent parsers: reads the tokens
 * of RFC 3501 / RFC 9051 section 9 (atoms, quoted strings, literals, numbers) straight from the
 * bytes. A literal marker at the end of a line moves the cursor into the literal and then to the
 * next line, so the grammar reads as if everything were on one line.
 *
 * <p>Every violation throws {@link ImapSyntaxException}, caught by the parser's entry point.
 * Nesting is counted against {@link ImapLimits#maxNestingDepth()}.
 */
final class ImapReader {
  private final ImapSegments segments;
  private final ImapLimits limits;
  private int lineIndex;
  private ByteBuf line;
  private int pos;
  private int end;
  private byte[] buf;
  private int delta;
  private int depth;

  ImapReader(ImapSegments segments, ImapLimits limits) {
    this.segments = segments;
    this.limits = limits;
    openLine(0);
  }

  private void openLine(int i) {
    lineIndex = i;
    line = segments.line(i);
    pos = line.readerIndex();
    end = line.writerIndex();
    // Parse from a byte[]: plain array reads instead of bounds- and refcount-checked getByte.
    if (line.hasArray()) {
      buf = line.array();
      delta = line.arrayOffset();
    } else {
      buf = new byte[end - pos];
      line.getBytes(pos, buf);
      delta = -pos;
    }
  }

  private byte at(int i) {
    return buf[i + delta];
  }

  /** The byte at absolute line index {@code i} (see {@link #position()}). */
  byte byteAt(int i) {
    return buf[i + delta];
  }

  /** Index just past the current line's last byte. */
  int lineEnd() {
    return end;
  }

  /** Decodes {@code n} bytes of the current line from absolute index {@code from}. */
  String text(int from, int n, java.nio.charset.Charset cs) {
    return new String(buf, from + delta, n, cs);
  }

  /** A slice (not retained) of the current line. */
  ByteBuf slice(int from, int n) {
    return line.slice(from, n);
  }

  ImapLimits limits() {
    return limits;
  }

  static ImapSyntaxException syntax(String detail) {
    return new ImapSyntaxException(ProtocolError.SYNTAX, detail);
  }

  /** The next byte, or -1 at the end of the current line. */
  int peek() {
    return pos < end ? at(pos) & 0xff : -1;
  }

  int peek(int ahead) {
    return pos + ahead < end ? at(pos + ahead) & 0xff : -1;
  }

  /** True at the end of the whole command (last line consumed). */
  boolean atEnd() {
    return pos >= end && lineIndex == segments.lineCount() - 1;
  }

  void expectEnd() {
    if (!atEnd()) {
      throw syntax("unexpected characters at end of command");
    }
  }

  void sp() {
    expect(' ');
  }

  boolean trySp() {
    return tryChar(' ');
  }

  void expect(char c) {
    if (!tryChar(c)) {
      throw syntax("expected '" + c + "'");
    }
  }

  boolean tryChar(char c) {
    if (pos < end && at(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  void open() {
    expect('(');
    enter();
  }

  void enter() {
    if (++depth > limits.maxNestingDepth()) {
      throw new ImapSyntaxException(ProtocolError.NESTING_TOO_DEEP, "nesting too deep");
    }
  }

  void close() {
    expect(')');
    depth--;
  }

  void leave() {
    depth--;
  }

  void checkCount(int n) {
    if (n > limits.maxListItems()) {
      throw new ImapSyntaxException(ProtocolError.TOO_MANY_PARAMETERS, "too many list items");
    }
  }

  /** Length of the run of bytes at the cursor that satisfy the atom-char class. */
  int atomLength() {
    int i = pos;
    while (i < end && ImapChars.isAtomChar(at(i))) {
      i++;
    }
    return i - pos;
  }

  /** Length of the run of letters, digits, '.', '-' at the cursor (keywords like HEADER.FIELDS). */
  int wordLength() {
    int i = pos;
    while (i < end) {
      byte b = at(i);
      if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.'
          || b == '-' || b == '=')) {
        break;
      }
      i++;
    }
    return i - pos;
  }

  /** Looks up the keyword of {@code length} bytes at the cursor and consumes it when known. */
  <E extends Enum<E>> E keyword(Keywords<E> table, int length) {
    if (length == 0) {
      return null;
    }
    E e = table.lookup(buf, pos + delta, length);
    if (e != null) {
      pos += length;
    }
    return e;
  }

  <E extends Enum<E>> E requireKeyword(Keywords<E> table, int length, String what) {
    E e = keyword(table, length);
    if (e == null) {
      throw syntax("unknown " + what);
    }
    return e;
  }

  /** Case-insensitive match of an ASCII word that must be followed by a non-word byte. */
  boolean tryWord(String upper) {
    int n = upper.length();
    if (pos + n > end) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (Keywords.upper(at(pos + i)) != upper.charAt(i)) {
        return false;
      }
    }
    if (pos + n < end && ImapChars.isAtomChar(at(pos + n))
        && at(pos + n) != '[' && at(pos + n) != '<') {
      return false;
    }
    pos += n;
    return true;
  }

  String atom() {
    int n = atomLength();
    if (n == 0) {
      throw syntax("expected atom");
    }
    return take(n);
  }

  private String take(int n) {
    String s = new String(buf, pos + delta, n, StandardCharsets.US_ASCII);
    pos += n;
    return s;
  }

  /** Takes {@code n} bytes at the cursor as ASCII. */
  String takeAscii(int n) {
    return take(n);
  }

  /** astring = 1*ASTRING-CHAR / string. */
  String astring() {
    return astring(StandardCharsets.UTF_8);
  }

  /** An astring whose quoted or literal form is text in {@code cs} (SEARCH CHARSET). */
  String astring(Charset cs) {
    if (peek() == '"' || atLiteral()) {
      return string(cs);
    }
    int i = pos;
    while (i < end && ImapChars.isAstringChar(at(i))) {
      i++;
    }
    if (i == pos) {
      throw syntax("expected astring");
    }
    return take(i - pos);
  }

  /** list-mailbox = 1*list-char / string. */
  String listMailbox() {
    int c = peek();
    if (c == '"' || c == '{') {
      return string();
    }
    int i = pos;
    while (i < end && ImapChars.isListChar(at(i))) {
      i++;
    }
    if (i == pos) {
      throw syntax("expected list-mailbox");
    }
    return take(i - pos);
  }

  /** nstring = string / "NIL". */
  String nstring() {
    if (tryWord("NIL")) {
      return null;
    }
    return string();
  }

  /** string = quoted / literal. */
  String string() {
    return string(StandardCharsets.UTF_8);
  }

  private String string(Charset cs) {
    int c = peek();
    if (c == '"') {
      return quoted(cs);
    }
    if (atLiteral()) {
      ByteBuf lit = literal();
      return lit.toString(cs);
    }
    throw syntax("expected string");
  }

  String quoted() {
    return quoted(StandardCharsets.UTF_8);
  }

  private String quoted(Charset cs) {
    expect('"');
    int start = pos;
    boolean escaped = false;
    int i = pos;
    for (; i < end; i++) {
      byte b = at(i);
      if (b == '"') {
        break;
      }
      if (b == '\\') {
        escaped = true;
        i++;
        if (i >= end) {
          break;
        }
        b = at(i);
        if (b != '"' && b != '\\') {
          throw syntax("bad escape in quoted string");
        }
      } else if (!ImapChars.isQuotedChar(b)) {
        throw new ImapSyntaxException(ProtocolError.BAD_CHARACTER, "bad character in quoted string");
      }
    }
    if (i >= end) {
      throw syntax("unterminated quoted string");
    }
    String s = new String(buf, start + delta, i - start, cs);
    pos = i + 1;
    if (escaped) {
      s = s.replace("\\\\", "\u0000").replace("\\\"", "\"").replace('\u0000', '\\');
    }
    return s;
  }

  /** True when the cursor is at a literal marker ({@code {n}} or {@code ~{n}}). */
  boolean atLiteral() {
    int c = peek();
    return c == '{' || (c == '~' && peek(1) == '{');
  }

  /**
   * Reads the literal marker at the end of this line and returns the literal's bytes (not
   * retained), moving to the next line.
   */
  ByteBuf literal() {
    tryChar('~');
    expect('{');
    while (pos < end && at(pos) != '}') {
      pos++;
    }
    if (pos != end - 1) {
      throw syntax("literal marker must end the line");
    }
    if (lineIndex >= segments.literalCount() || lineIndex + 1 >= segments.lineCount()) {
      throw syntax("literal not framed");
    }
    ByteBuf lit = segments.literal(lineIndex);
    openLine(lineIndex + 1);
    return lit;
  }

  /** True when the current line ends with a literal marker and no literal follows (streamed). */
  boolean atStreamedLiteral() {
    return atLiteral() && lineIndex == segments.lineCount() - 1;
  }

  /** Skips a literal marker that ends the last line (its bytes are streamed separately). */
  void skipStreamedMarker() {
    pos = end;
  }

  boolean binaryMarker() {
    return peek() == '~';
  }

  long number() {
    long v = 0;
    int digits = 0;
    while (pos < end) {
      byte b = at(pos);
      if (b < '0' || b > '9') {
        break;
      }
      if (++digits > 19) {
        throw syntax("number too large");
      }
      v = v * 10 + (b - '0');
      pos++;
    }
    if (digits == 0 || v < 0) {
      throw syntax("expected number");
    }
    return v;
  }

  /** number (RFC 3501: 32-bit unsigned). */
  long number32() {
    long v = number();
    if (v > 0xffffffffL) {
      throw syntax("number exceeds 32 bits");
    }
    return v;
  }

  long nzNumber() {
    long v = number32();
    if (v == 0) {
      throw syntax("expected non-zero number");
    }
    return v;
  }

  boolean atDigit() {
    int c = peek();
    return c >= '0' && c <= '9';
  }

  /** Everything left on the current line, as UTF-8 (response text). */
  String restOfLine() {
    String s = new String(buf, pos + delta, end - pos, StandardCharsets.UTF_8);
    pos = end;
    return s;
  }

  /** Bytes left on the current line, not retained. */
  ByteBuf restOfLineBytes() {
    ByteBuf b = line.slice(pos, end - pos);
    pos = end;
    return b;
  }

  int position() {
    return pos;
  }

  void position(int p) {
    pos = p;
  }

  ByteBuf currentLine() {
    return line;
  }
}
