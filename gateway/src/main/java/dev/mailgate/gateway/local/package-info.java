/**
 * What the local tier's servers share: {@link dev.mailgate.gateway.local.MailboxProvisioning}. The
 * servers themselves are in {@code local.imap} and {@code local.pop3}; SMTP delivery is {@code
 * smtp.LocalDeliverySink}.
 */
package dev.mailgate.gateway.local;
