package dev.mailgate.codec.pop3;

import java.util.Objects;

/**
 * A POP3 server response (RFC 1939 section 3, RFC 2449 section 8, RFC 5034 section 4). The server
 * encoder writes these; the client decoder emits {@link Status}, {@link Continuation} and, for a
 * multi-line response, the body as plain {@code ByteBuf} chunks followed by {@link BodyEnd}.
 *
 * <p>A streamed multi-line response (RETR, TOP) is written as {@link BodyStart}, then the message
 * as {@code ByteBuf} chunks in wire form without dot-stuffing, then {@link BodyEnd}; the encoder
 * dot-stuffs and terminates. {@link Listing} carries a short multi-line response (LIST, UIDL, CAPA)
 * whole.
 */
public sealed interface Pop3Response {

  /**
   * {@code +OK} or {@code -ERR}, an optional RFC 2449 response code in brackets, and text.
   *
   * @param code the bracketed code without brackets ({@code SYS/TEMP}), or {@code null}
   */
  record Status(boolean ok, String code, String text) implements Pop3Response {
    public Status {
      Objects.requireNonNull(text, "text");
      Pop3Text.requireText(text);
      if (code != null && !Pop3RespCode.isWellFormed(code)) {
        throw new IllegalArgumentException("bad response code");
      }
    }

    public static Status ok(String text) {
      return new Status(true, null, text);
    }

    public static Status err(String text) {
      return new Status(false, null, text);
    }

    public static Status err(Pop3RespCode code, String text) {
      return new Status(false, code.wire(), text);
    }

    /** The code as a known {@link Pop3RespCode}, or {@code null} (absent or not known). */
    public Pop3RespCode respCode() {
      return code == null ? null : Pop3RespCode.fromWire(code);
    }
  }

  /** {@code + base64}: a SASL challenge during AUTH (RFC 5034 section 4); may be empty. */
  record Continuation(String base64) implements Pop3Response {
    public Continuation {
      Objects.requireNonNull(base64, "base64");
      Pop3Text.requireText(base64);
    }
  }

  /** A whole multi-line {@code +OK} response: first-line text, then lines (without CRLF). */
  record Listing(String text, java.util.List<String> lines) implements Pop3Response {
    public Listing {
      Pop3Text.requireText(text);
      lines = java.util.List.copyOf(lines);
      for (String line : lines) {
        Pop3Text.requireText(line);
      }
    }
  }

  /** The {@code +OK} line that opens a streamed multi-line response. */
  record BodyStart(String text) implements Pop3Response {
    public BodyStart {
      Pop3Text.requireText(text);
    }
  }

  /** The end of a multi-line response (the {@code .} line). */
  enum BodyEnd implements Pop3Response {
    INSTANCE
  }
}
