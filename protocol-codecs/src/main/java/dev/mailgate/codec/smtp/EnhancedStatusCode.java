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

  /** The codes with a one-digit subject and detail, shared: most replies carry one of these. */
  private static final EnhancedStatusCode[] COMMON = new EnhancedStatusCode[6 * 10 * 10];

  static {
    for (int c : new int[] {2, 4, 5}) {
      for (int s = 0; s < 10; s++) {
        for (int d = 0; d < 10; d++) {
          COMMON[(c * 10 + s) * 10 + d - 200] = new EnhancedStatusCode(c, s, d);
        }
      }
    }
  }

  /** The code {@code codeClass.subject.detail}; a shared instance for the common ones. */
  public static EnhancedStatusCode of(int codeClass, int subject, int detail) {
    if ((codeClass == 2 || codeClass == 4 || codeClass == 5) && subject >= 0 && subject < 10
        && detail >= 0 && detail < 10) {
      return COMMON[(codeClass * 10 + subject) * 10 + detail - 200];
    }
    return new EnhancedStatusCode(codeClass, subject, detail);
  }

  /** Parses {@code "5.7.1"}; throws IllegalArgumentException when it is not one. */
  public static EnhancedStatusCode parse(String text) {
    if (parseLength(text, 0, text.length()) != text.length()) {
      throw new IllegalArgumentException("not an enhanced status code: " + text);
    }
    return parse(text, 0, text.length());
  }

  /**
   * The code {@code s[from, to)}, which {@link #parseLength} has accepted (three dot-separated
   * ASCII digit runs): read digit by digit, without splitting the text into strings per reply.
   */
  static EnhancedStatusCode parse(CharSequence s, int from, int to) {
    int codeClass = s.charAt(from) - '0';
    int i = from + 2;
    int subject = 0;
    for (; s.charAt(i) != '.'; i++) {
      subject = subject * 10 + s.charAt(i) - '0';
    }
    int detail = 0;
    for (i++; i < to; i++) {
      detail = detail * 10 + s.charAt(i) - '0';
    }
    return of(codeClass, subject, detail);
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
