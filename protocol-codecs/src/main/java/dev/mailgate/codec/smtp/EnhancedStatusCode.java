package dev.mailgate.codec.smtp;

/**
 * An enhanced mail system status code of RFC 3463 2: {@code class.subject.detail}, class 2, 4 or 5,
 * subject 0-999, detail 0-999 (sent after the reply code when ENHANCEDSTATUSCODES, RFC 2034, is
 * in use).
 */
public record EnhancedStatusCode(int codeClass, int subject, int detail) {
  public EnhancedStatusCode {
    if (codeClass != 2 && codeClass != 4 && codeClass != 5) {
      throw new IllegalArgumentException("class must be 2, 4 or 5: " + codeClass);
    }
    if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
      throw new IllegalArgumentException("subject and detail must be in [0, 999]");
    }
  }

  /** Parses {@code "5.7.1"}; throws IllegalArgumentException when it is not one. */
  public static EnhancedStatusCode parse(String text) {
    int end = parseLength(text, 0, text.length());
    if (end != text.length()) {
      throw new IllegalArgumentException("not an enhanced status code: " + text);
    }
    String[] p = text.split("\\.");
    return new EnhancedStatusCode(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
        Integer.parseInt(p[2]));
  }

  /**
   * The length of an enhanced code at {@code from} in {@code s} (before {@code to}), or -1 when
   * none starts there: 1DIGIT "." 1*3DIGIT "." 1*3DIGIT.
   */
  static int parseLength(CharSequence s, int from, int to) {
    int i = from;
    if (i >= to || (s.charAt(i) != '2' && s.charAt(i) != '4' && s.charAt(i) != '5')) {
      return -1;
    }
    i++;
    for (int part = 0; part < 2; part++) {
      if (i >= to || s.charAt(i) != '.') {
        return -1;
      }
      i++;
      int start = i;
      while (i < to && i - start < 3 && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
        i++;
      }
      if (i == start) {
        return -1;
      }
    }
    if (i < to && s.charAt(i) != ' ') {
      return -1;
    }
    return i;
  }

  @Override
  public String toString() {
    return codeClass + "." + subject + "." + detail;
  }
}
