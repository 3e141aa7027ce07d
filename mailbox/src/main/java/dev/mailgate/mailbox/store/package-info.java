/**
 * The reactive store API of the local mailbox tier: {@link dev.mailgate.mailbox.store.MailStore}
 * and the records and sealed types it speaks (RFC 3501 sections 2.3 and 6.3-6.4, RFC 4315, RFC
 * 6851, RFC 7162, RFC 9208). Implementations: {@code dev.mailgate.mailbox.sqlite}; a PostgreSQL one
 * must pass the same contract tests ({@code dev.mailgate.mailbox.store.contract} in the test
 * sources).
 */
package dev.mailgate.mailbox.store;
