package dev.mailgate.codec.imap;

/**
 * Character classes of the RFC 3501 / RFC 9051 formal syntax (section 9), as one lookup table so
 * that classifying a byte is a single array read.
 */
final class ImapChars {
  private static final int ATOM = 1;
  private static final int ASTRING = 2;
  private static final int TAG = 4;
  private static final int LIST = 8;
  private static final int QUOTED = 16;
  private static final int[] CLASS = new int[256];

  static {
    for (int c = 0x01; c < 0x80; c++) {
      boolean ctl = c < 0x20 || c == 0x7f;
      boolean atomSpecial =
          ctl || c == '(' || c == ')' || c == '{' || c == ' ' || c == '%' || c == '*' || c == '"'
              || c == '\\' || c == ']';
      int k = 0;
      if (!atomSpecial) {
        k |= ATOM | ASTRING | LIST;
        if (c != '+') {
          k |= TAG;
        }
      }
      if (c == ']') {
        k |= ASTRING | TAG | LIST;
      }
      if (c == '%' || c == '*') {
        k |= LIST;
      }
      if (c != '\r' && c != '\n') {
        k |= QUOTED;
      }
      CLASS[c] = k;
    }
    // RFC 9051 / RFC 6855: UTF-8 octets may appear in quoted strings.
    for (int c = 0x80; c < 0x100; c++) {
      CLASS[c] = QUOTED;
    }
  }

  private ImapChars() {}

  static boolean isAtomChar(byte b) {
    return (CLASS[b & 0xff] & ATOM) != 0;
  }

  static boolean isAstringChar(byte b) {
    return (CLASS[b & 0xff] & ASTRING) != 0;
  }

  static boolean isTagChar(byte b) {
    return (CLASS[b & 0xff] & TAG) != 0;
  }

  static boolean isListChar(byte b) {
    return (CLASS[b & 0xff] & LIST) != 0;
  }

  /** A byte allowed inside a quoted string (escapes aside): no NUL, CR or LF. */
  static boolean isQuotedChar(byte b) {
    return (CLASS[b & 0xff] & QUOTED) != 0;
  }
}
