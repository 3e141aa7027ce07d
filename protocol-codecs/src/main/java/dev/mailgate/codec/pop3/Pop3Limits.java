package dev.mailgate.codec.pop3;

/**
 * The bounds every POP3 decoder checks as bytes arrive.
 *
 * <p>RFC 2449 section 4 caps a command line at 255 octets including the CRLF, and an argument at
 * 40 octets; real user names (full e-mail addresses) are often longer, so the argument default is
 * wider. RFC 5034 section 4 tells clients to keep an AUTH command with an initial response within
 * 255 octets (else send the response after the challenge), but SASL continuation lines are not
 * commands, and OAuth bearer tokens (1-2 KB) are sent by real clients either way; AUTH lines and
 * continuation lines are therefore bounded by the separate {@link #maxSaslLineLength}. RFC 2449
 * section 4 caps a response's first line at 512 octets.
 *
 * @param maxCommandLineLength octets of a command line including CRLF (RFC 2449: 255)
 * @param maxArgumentLength octets of one command argument (RFC 2449: 40); PASS's argument and SASL
 *     payloads are bounded by the line limits instead
 * @param maxSaslLineLength octets of an AUTH line or SASL continuation line including CRLF
 * @param maxPipelinedCommands commands decoded but not yet answered (RFC 2449 PIPELINING); the
 *     session reports answers with {@link Pop3CommandDecoder#commandCompleted()}
 * @param maxResponseLineLength octets of a response status line or continuation from a backend,
 *     including CRLF (RFC 2449: 512; a SASL challenge may use up to {@code maxSaslLineLength})
 */
public record Pop3Limits(
    int maxCommandLineLength,
    int maxArgumentLength,
    int maxSaslLineLength,
    int maxPipelinedCommands,
    int maxResponseLineLength) {

  public static final int RFC2449_COMMAND_LINE = 255;
  public static final int RFC2449_RESPONSE_LINE = 512;

  /** Safe defaults: RFC 2449's line limits, 8 KB SASL lines, 128-octet arguments, 32 pipelined. */
  public static final Pop3Limits DEFAULTS =
      new Pop3Limits(RFC2449_COMMAND_LINE, 128, 8192, 32, RFC2449_RESPONSE_LINE);

  public Pop3Limits {
    // every line must hold at least a verb and CRLF ("CAPA\r\n")
    require(maxCommandLineLength >= 6, "maxCommandLineLength", maxCommandLineLength);
    require(maxArgumentLength >= 1, "maxArgumentLength", maxArgumentLength);
    require(maxSaslLineLength >= maxCommandLineLength, "maxSaslLineLength", maxSaslLineLength);
    require(maxPipelinedCommands >= 1, "maxPipelinedCommands", maxPipelinedCommands);
    require(maxResponseLineLength >= 6, "maxResponseLineLength", maxResponseLineLength);
  }

  private static void require(boolean ok, String name, int value) {
    if (!ok) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
  }

  public Pop3Limits withMaxCommandLineLength(int v) {
    return new Pop3Limits(v, maxArgumentLength, Math.max(v, maxSaslLineLength), maxPipelinedCommands,
        maxResponseLineLength);
  }

  public Pop3Limits withMaxArgumentLength(int v) {
    return new Pop3Limits(maxCommandLineLength, v, maxSaslLineLength, maxPipelinedCommands,
        maxResponseLineLength);
  }

  public Pop3Limits withMaxSaslLineLength(int v) {
    return new Pop3Limits(maxCommandLineLength, maxArgumentLength, v, maxPipelinedCommands,
        maxResponseLineLength);
  }

  public Pop3Limits withMaxPipelinedCommands(int v) {
    return new Pop3Limits(maxCommandLineLength, maxArgumentLength, maxSaslLineLength, v,
        maxResponseLineLength);
  }

  public Pop3Limits withMaxResponseLineLength(int v) {
    return new Pop3Limits(maxCommandLineLength, maxArgumentLength, maxSaslLineLength,
        maxPipelinedCommands, v);
  }
}
