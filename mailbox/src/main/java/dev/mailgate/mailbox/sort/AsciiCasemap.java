package dev.mailgate.mailbox.sort;

import java.util.Comparator;

/**
 * The i;ascii-casemap collation (RFC 4790 section 9.2), which RFC 5256 section 2 prescribes for
 * SORT and THREAD: strings compare as their characters after the ASCII letters a-z are mapped to
 * A-Z; anything else, non-ASCII included, compares by its value (code point order, which is the
 * order of the UTF-8 octets RFC 4790 compares).
 */
public final class AsciiCasemap {
  /** The collation as a comparator. */
  public static final Comparator<String> ORDER = AsciiCasemap::compare;

  private AsciiCasemap() {}

  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = upper(a.codePointAt(i));
      int y = upper(b.codePointAt(j));
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** The string with ASCII letters upper-cased: equal keys under this collation are equal strings. */
  public static String key(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, (char) (c - 'a' + 'A'));
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static int upper(int c) {
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
  }
}
