package dev.mailgate.codec.smtp;

import java.util.List;
import java.util.Objects;

/**
 * A reply of RFC 5321 4.2: a three-digit code (2yz to 5yz; the first digit says success,
 * intermediate, transient or permanent failure), an optional enhanced status code (RFC 2034 / RFC
 * 3463), whose class must match the code's first digit, and one or more text lines. Encoded as
 * {@code 250-first}, ..., {@code 250 last} (4.2.1); the enhanced code is repeated on every line.
 * Text lines may be empty but never contain CR, LF or other control characters.
 */
public record SmtpReply(int code, EnhancedStatusCode enhancedCode, List<String> lines) {
  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code must be in [200, 599]: " + code);
    }
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply has at least one line");
    }
    for (String line : lines) {
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (ch < 0x20 || ch == 0x7F) {
          throw new IllegalArgumentException("control character in reply text");
        }
      }
    }
    if (enhancedCode != null && code / 100 != 3 && enhancedCode.codeClass() != code / 100) {
      throw new IllegalArgumentException("enhanced code class does not match " + code);
    }
    if (enhancedCode != null && code / 100 == 3) {
      throw new IllegalArgumentException("3yz replies carry no enhanced code");
    }
  }

  public SmtpReply(int code, String text) {
    this(code, null, List.of(text));
  }

  public static SmtpReply of(int code, String enhanced, String... lines) {
    return new SmtpReply(code, enhanced == null ? null : EnhancedStatusCode.parse(enhanced),
        List.of(lines));
  }

  public boolean isPositive() {
    return code < 400;
  }

  public boolean isTransientFailure() {
    return code / 100 == 4;
  }

  public boolean isPermanentFailure() {
    return code / 100 == 5;
  }

  /** The lines joined with a space, for logs and messages. */
  public String text() {
    return String.join(" ", lines);
  }

  public SmtpReply withLines(List<String> newLines) {
    return new SmtpReply(code, enhancedCode, Objects.requireNonNull(newLines));
  }
}
