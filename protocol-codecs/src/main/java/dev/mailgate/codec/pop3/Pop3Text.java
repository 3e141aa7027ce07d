package dev.mailgate.codec.pop3;

import dev.mailgate.codec.sasl.Secret;
import java.util.OptionalInt;

/** Validation shared by the POP3 records: nothing that could break a line reaches the wire. */
final class Pop3Text {
  private Pop3Text() {}

  static void requireArgument(String s, String what) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException(what + " contains a space or control character");
      }
    }
  }

  static void requireText(String s) {
    if (s == null) {
      throw new IllegalArgumentException("text is null");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("text contains CR, LF or NUL");
      }
    }
  }

  static void requireLineSafe(Secret s) {
    for (int i = 0; i < s.length(); i++) {
      byte b = s.byteAt(i);
      if (b == '\r' || b == '\n' || b == 0) {
        throw new IllegalArgumentException("value contains CR, LF or NUL");
      }
    }
  }

  static void requireMessageNumber(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("message numbers start at 1");
    }
  }

  static void requireMessageNumber(OptionalInt n) {
    if (n.isPresent()) {
      requireMessageNumber(n.getAsInt());
    }
  }
}
