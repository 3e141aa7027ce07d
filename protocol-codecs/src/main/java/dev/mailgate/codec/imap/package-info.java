/**
 * IMAP4rev1 / IMAP4rev2 wire format (RFC 3501, RFC 9051 and the extensions of issue 2).
 *
 * <p><b>Server side</b> (the gateway's pre-login session and the local tier's IMAP server):
 *
 * <pre>
 * bytes -> {@link dev.mailgate.codec.imap.ImapCommandFramer}   frames, "+" signals, literal chunks, failures
 *       -> {@link dev.mailgate.codec.imap.ImapCommandDecoder}  {@link dev.mailgate.codec.imap.ImapCommand} records
 *       -> session, which answers with {@link dev.mailgate.codec.imap.ImapResponseEncoder} and
 *          {@link dev.mailgate.codec.imap.ImapResponseWriter}
 * </pre>
 *
 * <p>Streaming APPEND: a literal larger than {@link
 * dev.mailgate.codec.imap.ImapLimits#maxInlineLiteral()} is not aggregated. The session receives
 * {@code Append} whose last message is {@code streamed()}, then {@link
 * dev.mailgate.codec.imap.ImapLiteralChunk}s (the last one flagged), then an {@code
 * AppendContinuation} carrying the rest of the command (more MULTIAPPEND messages, possibly
 * streamed again; an empty list ends the command). Synchronising literals produce an {@link
 * dev.mailgate.codec.imap.ImapContinuationRequest} first, to which the session answers {@code +
 * Ready}. During AUTHENTICATE call {@code ImapCommandDecoder.expectSaslResponse()} after sending
 * the challenge; the next line arrives as {@code ImapCommand.SaslResponse}.
 *
 * <p><b>Client side</b> (the backend leg before the relay starts): {@link
 * dev.mailgate.codec.imap.ImapResponseFramer} then {@link
 * dev.mailgate.codec.imap.ImapResponseDecoder} give {@link dev.mailgate.codec.imap.ImapResponse}s.
 *
 * <p>All limits live in {@link dev.mailgate.codec.imap.ImapLimits}; every violation is a {@link
 * dev.mailgate.codec.DecodeFailure} (or {@code ImapCommand.Invalid} carrying one) after which the
 * decoder has resynchronised; {@link dev.mailgate.codec.imap.ImapResponseEncoder#failure} is the
 * reply table.
 */
package dev.mailgate.codec.imap;
