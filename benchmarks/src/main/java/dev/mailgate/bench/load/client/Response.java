package dev.mailgate.bench.load.client;

/**
 * One complete server response: its first and last line (each cut to {@link ResponseFramer#LINE_CAPTURE}
 * bytes, without CRLF), the bytes it took on the wire, and the nanoseconds from the command's last
 * byte written to the response's last byte read.
 */
public record Response(String firstLine, String lastLine, long bytes, long nanos) {

  /** The reply code of an SMTP reply (its last line), or -1 when the line has none. */
  public int smtpCode() {
    if (lastLine.length() < 3) {
      return -1;
    }
    int code = 0;
    for (int i = 0; i < 3; i++) {
      char c = lastLine.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + (c - '0');
    }
    return code;
  }
}
