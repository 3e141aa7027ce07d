package dev.mailgate.codec.smtp;

/**
 * The end of DATA content: {@code CRLF.CRLF} was read (RFC 5321 4.1.1.4). Emitted instead of a
 * failure when the message was within the limits.
 *
 * @param size the message's octets, the final CRLF included: those emitted in UNSTUFF mode; in
 *     PASS_THROUGH mode those emitted less the stuffing dots (the same figure in both modes)
 * @param bareLineFeeds LFs not preceded by CR seen in the content
 * @param bareCarriageReturns CRs not followed by LF seen in the content
 */
public record DataEnd(long size, long bareLineFeeds, long bareCarriageReturns) {
  public boolean hasBareLineEndings() {
    return bareLineFeeds > 0 || bareCarriageReturns > 0;
  }
}
