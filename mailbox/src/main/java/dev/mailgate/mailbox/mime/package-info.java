/**
 * Message structure for IMAP FETCH (RFC 3501 section 7.4.2): envelope, body structure and byte
 * offsets of every MIME part, computed in one streaming pass with mime4j field parsing, cached by
 * the store.
 */
package dev.mailgate.mailbox.mime;
