/**
 * The local tier's IMAP server (RFC 3501 IMAP4rev1 and the extensions listed on {@link
 * dev.mailgate.gateway.local.imap.LocalImapHandler}), serving the {@code mailbox} module's store.
 *
 * <p>Layers: the codec frames and parses ({@code dev.mailgate.codec.imap}); {@code ImapSession}
 * runs the state machine, one item at a time; one class per command group does the work against
 * the reactive {@code MailStore}; {@code SelectedMailbox} keeps each session's sequence-number to
 * UID map and the store events it has yet to report.
 */
package dev.mailgate.gateway.local.imap;
