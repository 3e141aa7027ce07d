package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@link ImapResponseFrame}s into {@link ImapResponse}s (RFC 9051 section 7 and the
 * {@code response} grammar of section 9): status responses with their codes, continuation
 * requests, CAPABILITY, message-number data and any other untagged data as generic {@link
 * ImapValue}s. Bounded by {@link ImapLimits#maxNestingDepth()} and {@link
 * ImapLimits#maxListItems()}. Throws {@link ImapSyntaxException} (package-internal) on bad input;
 * {@link ImapResponseDecoder} turns that into a {@link dev.mailgate.codec.DecodeFailure}.
 */
final class ImapResponseParser {
  private enum Status { OK, NO, BAD, PREAUTH, BYE }

  private static final Keywords<Status> STATUSES = new Keywords<>(Status.class, Enum::name);

  private final ImapLimits limits;

  ImapResponseParser(ImapLimits limits) {
    this.limits = limits;
  }

  ImapResponse parse(ImapResponseFrame frame, ReferenceCounted owner) {
    ImapReader r = new ImapReader(frame, limits);
    if (r.tryChar('+')) {
      r.trySp();
      return new ImapResponse.Continuation(r.restOfLine());
    }
    if (r.tryChar('*')) {
      r.sp();
      return untagged(r, owner);
    }
    int n = 0;
    while (ImapChars.isTagChar((byte) r.peek(n)) && r.peek(n) != -1) {
      n++;
    }
    if (n == 0) {
      throw ImapReader.syntax("missing tag");
    }
    String tag = r.takeAscii(n);
    r.sp();
    Status s = r.requireKeyword(STATUSES, r.atomLength(), "status");
    if (s == Status.PREAUTH || s == Status.BYE) {
      throw ImapReader.syntax("tagged " + s);
    }
    ImapStatus status = ImapStatus.valueOf(s.name());
    ResponseCode code = code(r);
    return new ImapResponse.Tagged(tag, status, code, r.restOfLine());
  }

  private ImapResponse untagged(ImapReader r, ReferenceCounted owner) {
    long number = -1;
    if (r.atDigit()) {
      number = r.number();
      r.sp();
    }
    Status s = number < 0 ? r.keyword(STATUSES, r.atomLength()) : null;
    if (s != null) {
      ImapStatus status = ImapStatus.valueOf(s.name());
      ResponseCode code = code(r);
      return new ImapResponse.Untagged(status, code, r.restOfLine());
    }
    String keyword = r.atom().toUpperCase(Locale.ROOT);
    if (number >= 0 && (keyword.equals("EXISTS") || keyword.equals("RECENT")
        || keyword.equals("EXPUNGE"))) {
      r.expectEnd();
      return new ImapResponse.MessageNumber(number, keyword);
    }
    if (number < 0 && keyword.equals("CAPABILITY")) {
      List<String> caps = new ArrayList<>(16);
      while (r.trySp()) {
        if (r.atEnd()) {
          break;
        }
        caps.add(r.atom().toUpperCase(Locale.ROOT));
        r.checkCount(caps.size());
      }
      return new ImapResponse.Capability(caps);
    }
    List<ImapValue> values = new ArrayList<>(4);
    while (r.trySp()) {
      if (r.atEnd()) {
        break;
      }
      values.add(value(r));
      r.checkCount(values.size());
    }
    r.expectEnd();
    return new ImapResponse.Data(number, keyword, values, owner);
  }

  /** ["[" resp-text-code "]" [SP]], where the code's arguments run to the matching "]". */
  private static ResponseCode code(ImapReader r) {
    if (!r.trySp() || !r.tryChar('[')) {
      return null;
    }
    int n = 0;
    while (r.peek(n) != -1 && r.peek(n) != ' ' && r.peek(n) != ']') {
      n++;
    }
    String atom = r.takeAscii(n).toUpperCase(Locale.ROOT);
    String args = null;
    if (r.tryChar(' ')) {
      int start = r.position();
      int depth = 0;
      int i = start;
      for (; i < r.lineEnd(); i++) {
        byte b = r.byteAt(i);
        if (b == '(') {
          depth++;
        } else if (b == ')') {
          depth--;
        } else if (b == ']' && depth <= 0) {
          break;
        }
      }
      args = r.text(start, i - start, StandardCharsets.UTF_8);
      r.position(i);
    }
    r.expect(']');
    r.trySp();
    try {
      return new ResponseCode(atom, args);
    } catch (IllegalArgumentException e) {
      throw ImapReader.syntax("bad response code");
    }
  }

  private ImapValue value(ImapReader r) {
    int c = r.peek();
    if (c == '(') {
      r.open();
      List<ImapValue> items = new ArrayList<>(8);
      if (r.peek() != ')') {
        do {
          items.add(value(r));
          r.checkCount(items.size());
          // RFC 3501 env-to and friends: "(" 1*address ")" puts lists side by side without SP.
        } while (r.trySp() || r.peek() == '(');
      }
      r.close();
      return new ImapValue.ListValue(items);
    }
    if (c == '"') {
      return quoted(r);
    }
    if (r.atLiteral()) {
      return new ImapValue.Str(r.literal(), true);
    }
    if (c == '\\') {
      r.tryChar('\\');
      if (r.tryChar('*')) {
        return new ImapValue.Atom("\\*");
      }
      return new ImapValue.Atom("\\" + r.atom());
    }
    int start = r.position();
    if (r.atDigit()) {
      long n = r.number();
      if (!ImapChars.isAtomChar((byte) r.peek()) || r.peek() == -1) {
        return new ImapValue.Num(n);
      }
      r.position(start);
    }
    if (r.tryWord("NIL")) {
      return new ImapValue.Nil();
    }
    return new ImapValue.Atom(sectionAtom(r));
  }

  /** An atom that may carry a section {@code [...]} with spaces and an origin {@code <n>}. */
  private static String sectionAtom(ImapReader r) {
    int start = r.position();
    int i = start;
    int end = r.lineEnd();
    while (i < end) {
      byte b = r.byteAt(i);
      if (b == '[') {
        int close = i + 1;
        while (close < end && r.byteAt(close) != ']') {
          close++;
        }
        if (close >= end) {
          throw ImapReader.syntax("unterminated section");
        }
        i = close + 1;
      } else if (ImapChars.isAtomChar(b)) {
        i++;
      } else {
        break;
      }
    }
    if (i == start) {
      throw ImapReader.syntax("expected value");
    }
    r.position(i);
    return r.text(start, i - start, StandardCharsets.US_ASCII);
  }

  private static ImapValue quoted(ImapReader r) {
    int open = r.position();
    int i = open + 1;
    int end = r.lineEnd();
    boolean escaped = false;
    for (; i < end; i++) {
      byte b = r.byteAt(i);
      if (b == '\\') {
        escaped = true;
        i++;
      } else if (b == '"') {
        break;
      }
    }
    if (i >= end) {
      throw ImapReader.syntax("unterminated quoted string");
    }
    ByteBuf bytes;
    if (escaped) {
      // Rare: copy to drop the backslashes.
      String s = r.quoted();
      return new ImapValue.Str(Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)), false);
    }
    bytes = r.slice(open + 1, i - open - 1);
    r.position(i + 1);
    return new ImapValue.Str(bytes, false);
  }
}
