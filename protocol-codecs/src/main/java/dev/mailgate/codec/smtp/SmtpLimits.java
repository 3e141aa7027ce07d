package dev.mailgate.codec.smtp;

/**
 * Every bound the SMTP codecs enforce, checked as bytes arrive. Limits that are policy (recipients
 * per message, messages per interval) live in the policy module, not here.
 *
 * <ul>
 *   <li>{@code maxCommandLineLength}: a command line including CRLF. RFC 5321 4.5.3.1.4 sets 512
 *       for command lines and 4.5.3.1.6 sets 1000 for text lines; the default is 1000, a larger
 *       value may be configured (at least 512).
 *   <li>{@code maxAuthLineLength}: the AUTH command and its continuation lines, RFC 4954 4 (12288).
 *   <li>{@code maxDataSize}: message content of DATA, or all BDAT chunks of one transaction, in
 *       octets as received (RFC 1870 SIZE).
 *   <li>{@code maxBdatChunkSize}: one BDAT chunk (RFC 3030); its octets are still read and
 *       discarded when it is too big, as the RFC requires.
 *   <li>{@code maxEsmtpParameters}: ESMTP parameters of MAIL or RCPT, attributes of XCLIENT.
 *   <li>{@code maxPipelinedBytes}: octets of command lines decoded ahead of their replies (RFC
 *       2920). Past it the decoder holds the rest and the transport stops reading until replies go
 *       out: a flood of any number of commands is answered in full, in order, in bounded memory.
 *   <li>{@code maxErrors}: command-line decode failures before the decoder stops reading and the
 *       session should close with 421.
 *   <li>{@code maxReplyLineLength}, {@code maxReplyLines}: one reply line (incl. CRLF) and the lines
 *       of one multi-line reply, on the backend leg (RFC 5321 4.5.3.1.5 says 512).
 *   <li>{@code allowBareLineEndingsInData}: when false (the default), a bare CR or LF in DATA makes
 *       the message fail with BAD_LINE_ENDING at its end, like Postfix's
 *       {@code smtpd_forbid_bare_newline}: relayed verbatim, such bytes could end the message early
 *       on a lenient backend (SMTP smuggling).
 * </ul>
 */
public record SmtpLimits(
    int maxCommandLineLength,
    int maxAuthLineLength,
    long maxDataSize,
    long maxBdatChunkSize,
    int maxEsmtpParameters,
    int maxPipelinedBytes,
    int maxErrors,
    int maxReplyLineLength,
    int maxReplyLines,
    boolean allowBareLineEndingsInData) {

  /** RFC 5321 4.5.3.1.4: the command line a server must accept at least. */
  public static final int RFC_MIN_COMMAND_LINE = 512;

  /**
   * Octets of commands held ahead of their replies by default: some 500 RCPT lines or 2,700 NOOPs,
   * about one socket read; a client gets no faster by pipelining further.
   */
  public static final int DEFAULT_MAX_PIPELINED_BYTES = 16 * 1024;

  public static final SmtpLimits DEFAULTS = new SmtpLimits(1000, 12288, 26_214_400L, 26_214_400L, 16,
      DEFAULT_MAX_PIPELINED_BYTES, 10, 2048, 200, false);

  public SmtpLimits {
    within("maxCommandLineLength", maxCommandLineLength, RFC_MIN_COMMAND_LINE, 65_536);
    within("maxAuthLineLength", maxAuthLineLength, maxCommandLineLength, 1_048_576);
    within("maxDataSize", maxDataSize, 1, Long.MAX_VALUE / 2);
    within("maxBdatChunkSize", maxBdatChunkSize, 1, Long.MAX_VALUE / 2);
    within("maxEsmtpParameters", maxEsmtpParameters, 1, 1000);
    within("maxPipelinedBytes", maxPipelinedBytes, 1, 16 * 1024 * 1024);
    within("maxErrors", maxErrors, 1, 10_000);
    within("maxReplyLineLength", maxReplyLineLength, 512, 65_536);
    within("maxReplyLines", maxReplyLines, 1, 10_000);
  }

  public static SmtpLimits defaults() {
    return DEFAULTS;
  }

  public SmtpLimits withMaxDataSize(long bytes) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, bytes, maxBdatChunkSize,
        maxEsmtpParameters, maxPipelinedBytes, maxErrors, maxReplyLineLength, maxReplyLines,
        allowBareLineEndingsInData);
  }

  public SmtpLimits withMaxBdatChunkSize(long bytes) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, bytes,
        maxEsmtpParameters, maxPipelinedBytes, maxErrors, maxReplyLineLength, maxReplyLines,
        allowBareLineEndingsInData);
  }

  public SmtpLimits withMaxPipelinedBytes(int n) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, maxBdatChunkSize,
        maxEsmtpParameters, n, maxErrors, maxReplyLineLength, maxReplyLines,
        allowBareLineEndingsInData);
  }

  public SmtpLimits withMaxErrors(int n) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, maxBdatChunkSize,
        maxEsmtpParameters, maxPipelinedBytes, n, maxReplyLineLength, maxReplyLines,
        allowBareLineEndingsInData);
  }

  public SmtpLimits withMaxEsmtpParameters(int n) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, maxBdatChunkSize,
        n, maxPipelinedBytes, maxErrors, maxReplyLineLength, maxReplyLines,
        allowBareLineEndingsInData);
  }

  public SmtpLimits withAllowBareLineEndingsInData(boolean allow) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, maxBdatChunkSize,
        maxEsmtpParameters, maxPipelinedBytes, maxErrors, maxReplyLineLength, maxReplyLines,
        allow);
  }

  public SmtpLimits withMaxReplyLines(int n) {
    return new SmtpLimits(maxCommandLineLength, maxAuthLineLength, maxDataSize, maxBdatChunkSize,
        maxEsmtpParameters, maxPipelinedBytes, maxErrors, maxReplyLineLength, n,
        allowBareLineEndingsInData);
  }

  private static void within(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }
}
