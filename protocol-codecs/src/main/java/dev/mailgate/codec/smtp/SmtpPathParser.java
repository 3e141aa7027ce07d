package dev.mailgate.codec.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code Path}, {@code Reverse-path} and {@code Forward-path} of RFC 5321 4.1.2 with the
 * UTF-8 extensions of RFC 6531 3.3 (non-ASCII in atext, qtext and U-label sub-domains), address
 * literals of 4.1.3, source routes ({@code A-d-l}) and {@code <Postmaster>} (4.5.1). Bounded by
 * RFC 5321 4.5.3.1: domain 255 octets, path 256 octets (source route excluded).
 *
 * <p>The 64-octet local-part maximum of 4.5.3.1.1 is deliberately not enforced: the same section
 * asks implementations to accept longer objects where they can, and VERP and SRS senders routinely
 * exceed 64 octets (Postfix accepts them too). The path bound still caps the whole address.
 */
final class SmtpPathParser {
  static final int MAX_DOMAIN = 255;
  static final int MAX_PATH = 256;

  private SmtpPathParser() {}

  /** Parses {@code <...>} at the cursor; {@code reverse} allows {@code <>}, else Postmaster. */
  static SmtpPath parsePath(LineCursor c, boolean reverse) {
    c.expect('<', "path must start with <");
    if (c.peek() == '>') {
      c.pos++;
      if (!reverse) {
        throw SmtpSyntaxException.syntax("empty forward-path");
      }
      return SmtpPath.NULL;
    }
    List<String> route = List.of();
    if (c.peek() == '@') {
      route = new ArrayList<>(2);
      while (true) {
        c.expect('@', "bad source route");
        int start = c.pos;
        domain(c);
        route.add(c.text(start, c.pos));
        int sep = c.next();
        if (sep == ':') {
          break;
        }
        if (sep != ',') {
          throw SmtpSyntaxException.syntax("bad source route");
        }
      }
    }
    int pathStart = c.pos;
    boolean utf8 = false;
    int localStart = c.pos;
    if (c.peek() == '"') {
      utf8 = quotedString(c);
    } else {
      utf8 = dotString(c);
    }
    int localEnd = c.pos;
    String domain = null;
    if (c.peek() == '>' && !reverse && route.isEmpty()
        && localEnd - localStart == 10 && c.text(localStart, localEnd).equalsIgnoreCase("Postmaster")) {
      c.pos++;
      return new SmtpPath(c.ascii(localStart, localEnd), null, List.of(), false);
    }
    c.expect('@', "mailbox needs @domain");
    int domainStart = c.pos;
    if (c.peek() == '[') {
      AddressLiteral.parse(c);
    } else {
      utf8 |= domain(c);
    }
    int domainEnd = c.pos;
    c.expect('>', "path must end with >");
    if (domainEnd - pathStart > MAX_PATH) {
      throw SmtpSyntaxException.syntax("path longer than 256 octets");
    }
    String local = utf8 ? c.text(localStart, localEnd) : c.ascii(localStart, localEnd);
    String dom = utf8 ? c.text(domainStart, domainEnd) : c.ascii(domainStart, domainEnd);
    return new SmtpPath(local, dom, route, utf8);
  }

  /** {@code Domain}: sub-domains of letters, digits, hyphens or UTF-8 (U-labels). */
  static boolean domain(LineCursor c) {
    int start = c.pos;
    boolean utf8 = false;
    while (true) {
      int labelStart = c.pos;
      int last = -1;
      while (c.pos < c.end) {
        int b = c.bytes[c.pos] & 0xFF;
        if (isLetDig(b) || b == '-') {
          last = b;
        } else if (b >= 0x80) {
          utf8 = true;
          last = b;
        } else {
          break;
        }
        c.pos++;
      }
      if (c.pos == labelStart || c.bytes[labelStart] == '-' || last == '-') {
        throw SmtpSyntaxException.syntax("bad domain");
      }
      if (c.peek() != '.') {
        break;
      }
      c.pos++;
    }
    if (c.pos - start > MAX_DOMAIN) {
      throw SmtpSyntaxException.syntax("domain longer than 255 octets");
    }
    if (utf8) {
      Utf8.requireWellFormed(c.bytes, start, c.pos);
    }
    return utf8;
  }

  /** {@code Dot-string}; returns whether it held UTF-8. */
  private static boolean dotString(LineCursor c) {
    boolean utf8 = false;
    int start = c.pos;
    while (true) {
      int atomStart = c.pos;
      while (c.pos < c.end) {
        int b = c.bytes[c.pos] & 0xFF;
        if (b >= 0x80) {
          utf8 = true;
        } else if (!isAtext(b)) {
          break;
        }
        c.pos++;
      }
      if (c.pos == atomStart) {
        throw SmtpSyntaxException.syntax("bad local part");
      }
      if (c.peek() != '.') {
        break;
      }
      c.pos++;
    }
    if (utf8) {
      Utf8.requireWellFormed(c.bytes, start, c.pos);
    }
    return utf8;
  }

  /** {@code Quoted-string} with {@code qtextSMTP} and {@code quoted-pairSMTP}. */
  private static boolean quotedString(LineCursor c) {
    int start = c.pos;
    c.pos++;
    boolean utf8 = false;
    while (true) {
      int b = c.next();
      if (b == '"') {
        break;
      } else if (b == '\\') {
        int q = c.next();
        if (q < 32 || q > 126) {
          throw SmtpSyntaxException.syntax("bad quoted pair");
        }
      } else if (b >= 0x80) {
        utf8 = true;
      } else if (b < 32 || b > 126) {
        throw SmtpSyntaxException.syntax("unterminated quoted string");
      }
    }
    if (utf8) {
      Utf8.requireWellFormed(c.bytes, start, c.pos);
    }
    return utf8;
  }

  static boolean isLetDig(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
  }

  /** RFC 5322 3.2.3 atext. */
  static boolean isAtext(int b) {
    if (isLetDig(b)) {
      return true;
    }
    switch (b) {
      case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
      case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}':
      case '~':
        return true;
      default:
        return false;
    }
  }
}
