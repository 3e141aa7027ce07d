package dev.mailgate.bench.load.servers;

import java.nio.charset.StandardCharsets;

/** Generated RFC 5322 messages of a given size: headers, then 76-character text lines, CRLF endings. */
public final class Messages {

  private Messages() {}

  /**
   * A message of about {@code size} bytes (within one line of it) from {@code from} to {@code to}.
   * No body line starts with a dot, so it can go into SMTP DATA as it is.
   */
  public static byte[] of(int size, String from, String to, int number) {
    StringBuilder b = new StringBuilder(size + 128);
    b.append("From: ").append(from).append("\r\n")
        .append("To: ").append(to).append("\r\n")
        .append("Subject: load message ").append(number).append(" of ").append(size).append(" bytes\r\n")
        .append("Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n")
        .append("Message-ID: <bench-").append(size).append('-').append(number).append("@example.test>\r\n")
        .append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
    String line = "The quick brown fox jumps over the lazy dog while the proxy relays bytes.  \r\n";
    int i = 0;
    while (b.length() + line.length() <= size || i == 0) {
      b.append(line, 0, 1).append(i % 10).append(line, 2, line.length());
      i++;
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
