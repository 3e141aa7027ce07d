/** The local mailbox tier against a private Dovecot under the same IMAP and POP3 load. */
package dev.mailgate.bench.local;
