package dev.mailgate.codec.smtp;

/**
 * The end of one BDAT chunk (RFC 3030 2): all {@code size} octets were emitted as
 * {@link SmtpContent}.
 *
 * @param size the chunk size
 * @param last whether the chunk was marked LAST, ending the message
 */
public record BdatEnd(long size, boolean last) {}
