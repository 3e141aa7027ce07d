package dev.mailgate.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits protocol text into words by hand. {@code String.split} with a pattern of more than one
 * character compiles a regular expression on every call, and the proxies split a backend's
 * capability lists (IMAP CAPABILITY, POP3 CAPA's SASL line, SMTP EHLO) on every login.
 */
public final class Words {

  private Words() {}

  /**
   * The non-empty runs of {@code text} between any of the {@code separators} characters, in order
   * (as {@code split("[" + separators + "]+")} with empty words dropped).
   */
  public static List<String> split(String text, String separators) {
    List<String> out = new ArrayList<>(8);
    int n = text.length();
    int start = -1;
    for (int i = 0; i <= n; i++) {
      boolean separator = i == n || separators.indexOf(text.charAt(i)) >= 0;
      if (separator && start >= 0) {
        out.add(text.substring(start, i));
        start = -1;
      } else if (!separator && start < 0) {
        start = i;
      }
    }
    return out;
  }
}
