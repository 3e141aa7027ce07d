package dev.mailgate.codec.imap;

/**
 * Emitted by {@link ImapCommandFramer} when a client announced a synchronising literal {@code
 * {n}} within the limits (RFC 3501 section 7.5): the session must now send a continuation request
 * ({@code + Ready}) because the client sends nothing more of the command until it sees one. A
 * literal over the limit produces a {@link dev.mailgate.codec.DecodeFailure} instead and no
 * continuation is due.
 *
 * @param literalSize the announced size in octets
 */
public record ImapContinuationRequest(long literalSize) {}
