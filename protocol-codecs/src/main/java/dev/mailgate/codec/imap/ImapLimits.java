package dev.mailgate.codec.imap;

/**
 * Every bound the IMAP codecs enforce, checked as bytes arrive (RFC 3501 / RFC 9051, RFC 7888,
 * RFC 7162 section 4).
 *
 * @param maxLineLength longest command or response line between literals, CRLF excluded; RFC 7162
 *     section 4 asks servers to accept at least 8192 octets
 * @param maxLiteralBeforeLogin largest literal accepted before authentication; a larger one is
 *     refused ({@code BAD [TOOBIG]}) without allocating
 * @param maxLiteralAfterLogin largest literal accepted once authenticated (APPEND messages); this is
 *     also the APPENDLIMIT (RFC 7889) the server may advertise: a larger APPEND is refused with
 *     {@code NO [TOOBIG]} (MESSAGE_TOO_BIG) without reading it, a larger literal in another command
 *     with {@code BAD [TOOBIG]}
 * @param maxNonSyncLiteral largest non-synchronising literal {@code {n+}}: 4096 for LITERAL- (RFC
 *     7888 section 4); raise it to the literal limit only when advertising LITERAL+
 * @param maxInlineLiteral literals up to this size are aggregated into the command frame; larger
 *     ones (APPEND messages) are streamed as {@link ImapLiteralChunk}s and never held whole
 * @param maxLiteralsPerCommand most literals in one command (MULTIAPPEND, LOGIN, SEARCH strings)
 * @param maxCommandBytes most bytes of one aggregated command frame (lines plus inline literals)
 * @param maxNestingDepth deepest parenthesis nesting (SEARCH keys, BODYSTRUCTURE in responses)
 * @param maxListItems most items in one list, sequence set, FETCH item list or SEARCH program
 * @param maxResponseLiteral largest literal in a server response read by the client-side decoder
 */
public record ImapLimits(
    int maxLineLength,
    long maxLiteralBeforeLogin,
    long maxLiteralAfterLogin,
    long maxNonSyncLiteral,
    int maxInlineLiteral,
    int maxLiteralsPerCommand,
    int maxCommandBytes,
    int maxNestingDepth,
    int maxListItems,
    long maxResponseLiteral) {

  /** Safe defaults: 64 KiB lines, 8 KiB literals before login, 50 MiB after, LITERAL- semantics. */
  public static final ImapLimits DEFAULTS =
      new ImapLimits(
          64 * 1024, 8 * 1024, 50L * 1024 * 1024, 4096, 64 * 1024, 64, 1024 * 1024, 32, 10_000,
          64L * 1024 * 1024);

  public ImapLimits {
    require(maxLineLength >= 1024, "maxLineLength must be >= 1024");
    require(maxLiteralBeforeLogin >= 0, "maxLiteralBeforeLogin must be >= 0");
    require(
        maxLiteralAfterLogin >= maxLiteralBeforeLogin,
        "maxLiteralAfterLogin must be >= maxLiteralBeforeLogin");
    require(maxNonSyncLiteral >= 0, "maxNonSyncLiteral must be >= 0");
    require(maxInlineLiteral >= 1024, "maxInlineLiteral must be >= 1024");
    require(maxLiteralsPerCommand >= 1, "maxLiteralsPerCommand must be >= 1");
    require(
        maxCommandBytes >= maxLineLength, "maxCommandBytes must be >= maxLineLength");
    require(maxNestingDepth >= 1 && maxNestingDepth <= 1000, "maxNestingDepth must be in 1..1000");
    require(maxListItems >= 1, "maxListItems must be >= 1");
    require(maxResponseLiteral >= 0, "maxResponseLiteral must be >= 0");
  }

  /** The literal limit for the session's state. */
  public long maxLiteral(boolean authenticated) {
    return authenticated ? maxLiteralAfterLogin : maxLiteralBeforeLogin;
  }

  public ImapLimits withMaxLineLength(int v) {
    return new ImapLimits(v, maxLiteralBeforeLogin, maxLiteralAfterLogin, maxNonSyncLiteral,
        maxInlineLiteral, maxLiteralsPerCommand, Math.max(v, maxCommandBytes), maxNestingDepth,
        maxListItems, maxResponseLiteral);
  }

  public ImapLimits withLiteralLimits(long beforeLogin, long afterLogin, long nonSync) {
    return new ImapLimits(maxLineLength, beforeLogin, afterLogin, nonSync, maxInlineLiteral,
        maxLiteralsPerCommand, maxCommandBytes, maxNestingDepth, maxListItems, maxResponseLiteral);
  }

  /**
   * These limits with non-synchronising literals taken up to the literal limits themselves: LITERAL+
   * (RFC 7888 section 3) rather than LITERAL- (section 4). A literal over the limit of the session's
   * state is still refused and discarded as it arrives, whichever kind it is.
   */
  public ImapLimits withLiteralPlus() {
    return withLiteralLimits(maxLiteralBeforeLogin, maxLiteralAfterLogin, maxLiteralAfterLogin);
  }

  public ImapLimits withStructure(int literalsPerCommand, int nestingDepth, int listItems) {
    return new ImapLimits(maxLineLength, maxLiteralBeforeLogin, maxLiteralAfterLogin,
        maxNonSyncLiteral, maxInlineLiteral, literalsPerCommand, maxCommandBytes, nestingDepth,
        listItems, maxResponseLiteral);
  }

  public ImapLimits withInline(int inlineLiteral, int commandBytes, long responseLiteral) {
    return new ImapLimits(maxLineLength, maxLiteralBeforeLogin, maxLiteralAfterLogin,
        maxNonSyncLiteral, inlineLiteral, maxLiteralsPerCommand, commandBytes, maxNestingDepth,
        maxListItems, responseLiteral);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
