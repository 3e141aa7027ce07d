/**
 * SMTP wire formats (RFC 5321 with SIZE 1870, PIPELINING 2920, 8BITMIME 6152, SMTPUTF8 6531,
 * ENHANCEDSTATUSCODES 2034/3463, CHUNKING 3030, STARTTLS 3207, AUTH 4954, DSN 3461 parameters and
 * Postfix's XCLIENT), both directions, bounded by {@link dev.mailgate.codec.smtp.SmtpLimits}.
 *
 * <h2>Server side (client → gateway)</h2>
 *
 * <pre>
 * pipeline: [SslHandler] → SmtpCommandDecoder(limits, PASS_THROUGH | UNSTUFF) → session
 *           session → SmtpReplyEncoder.INSTANCE (writes SmtpReply)
 * </pre>
 *
 * The decoder emits, in order: {@link dev.mailgate.codec.smtp.SmtpCommand} records (sealed: Helo,
 * Ehlo, Mail, Rcpt, Data, Bdat, Rset, Noop, Quit, Vrfy, Expn, Help, StartTls, Auth, Xclient,
 * AuthResponse); {@link dev.mailgate.codec.smtp.SmtpContent} (retained slices: release them or
 * write them on) followed by {@link dev.mailgate.codec.smtp.DataEnd} after DATA or
 * {@link dev.mailgate.codec.smtp.BdatEnd} after each BDAT chunk; and
 * {@link dev.mailgate.codec.DecodeFailure} for anything bad (the decoder has already resynchronised;
 * answer and carry on, or close with 421 when
 * {@link dev.mailgate.codec.smtp.SmtpCommandDecoder#tooManyErrors()}).
 *
 * <p>After Data, Auth, AuthResponse (or a failure while reading one) and StartTls the decoder
 * pauses until the session, on the event loop, calls {@code startData()} (after 354),
 * {@code expectAuthResponse()} (after 334), {@code resumeCommands()} (any final reply) or
 * {@code discardBufferedAndResume()} (after 220 to STARTTLS, once the SslHandler is in). BDAT
 * needs no call: its octets are read at once. After a DecodeFailure with MESSAGE_TOO_BIG or
 * BAD_LINE_ENDING in DATA, or with CHUNK_TOO_BIG / MESSAGE_TOO_BIG after BDAT, the content
 * already emitted for that message is void (abort the backend transaction).
 *
 * <h2>Client side (gateway → backend)</h2>
 *
 * <pre>
 * pipeline: [SslHandler] → SmtpReplyDecoder(limits) → backend session
 *           backend session → SmtpCommandEncoder.INSTANCE (writes SmtpCommand; content as raw
 *           ByteBufs, then SmtpCommandEncoder.endOfData())
 * </pre>
 *
 * {@link dev.mailgate.codec.smtp.EhloCapabilities#parse} reads the reply to EHLO.
 */
package dev.mailgate.codec.smtp;
