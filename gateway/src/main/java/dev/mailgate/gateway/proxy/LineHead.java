package dev.mailgate.gateway.proxy;

import java.nio.charset.StandardCharsets;

/**
 * The first {@value #MAX} bytes of a command or response line, kept while the line streams past a
 * relay, so that its tag and command name can be read without holding the line.
 */
public final class LineHead {
  /** Enough for an IMAP tag and command name, or a POP3 command with its argument. */
  public static final int MAX = 48;

  private final byte[] bytes = new byte[MAX];
  private int length;

  public void clear() {
    length = 0;
  }

  public void add(byte b) {
    if (length < MAX && b != '\r' && b != '\n') {
      bytes[length++] = b;
    }
  }

  public boolean isEmpty() {
    return length == 0;
  }

  /** The {@code index}-th word (space-separated, from 0), upper-cased; empty when absent. */
  public String word(int index) {
    int start = wordStart(index);
    int end = wordEnd(start);
    return new String(bytes, start, end - start, StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * Whether the {@code index}-th word, upper-cased, is {@code upper} (upper-case ASCII): {@code
   * word(index).equals(upper)} without making a string, for a relay that asks of every line.
   */
  public boolean wordIs(int index, String upper) {
    int start = wordStart(index);
    int end = wordEnd(start);
    if (end - start != upper.length()) {
      return false;
    }
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if ((b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b) != upper.charAt(i - start)) {
        return false;
      }
    }
    return true;
  }

  /** Whether there is an {@code index}-th word: {@code !word(index).isEmpty()} without a string. */
  public boolean hasWord(int index) {
    int start = wordStart(index);
    return wordEnd(start) > start;
  }

  private int wordStart(int index) {
    int i = 0;
    for (int w = 0; w < index; w++) {
      while (i < length && bytes[i] != ' ') {
        i++;
      }
      while (i < length && bytes[i] == ' ') {
        i++;
      }
    }
    return i;
  }

  private int wordEnd(int start) {
    int i = start;
    while (i < length && bytes[i] != ' ') {
      i++;
    }
    return i;
  }

  /** Whether the line starts with {@code prefix} (ASCII, exact case). */
  public boolean startsWith(String prefix) {
    if (prefix.length() > length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
