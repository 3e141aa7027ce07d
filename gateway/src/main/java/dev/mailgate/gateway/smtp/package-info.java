/**
 * The SMTP server sessions of the gateway (RFC 5321; PIPELINING, SIZE, 8BITMIME, SMTPUTF8,
 * ENHANCEDSTATUSCODES, CHUNKING, STARTTLS, AUTH PLAIN/LOGIN) for {@code smtp} (MX-style) and
 * {@code submission} listeners, with local delivery into the mailbox tier.
 *
 * <pre>
 * SmtpServerHandler (ProtocolHandler, one per listener set)
 *   └ SmtpSession (one per connection: state machine, reply table SmtpReplies, AUTH in SmtpAuth)
 *       ├ RecipientRules + LocalDomains: no open relay; local domain or relay route per recipient
 *       └ TransactionSink.Transaction: recipient() per RCPT, deliver(content) at DATA/BDAT
 *           LocalDeliverySink: spool file → MailStore.append per user → 250 when durable
 *           (a relay sink to a backend plugs in with SmtpServerHandler.withRelay)
 * </pre>
 *
 * <p>Content flows from the codec's {@link dev.mailgate.codec.smtp.SmtpContent} slices through a
 * {@link dev.mailgate.gateway.smtp.ContentPipe} whose only buffer is the sink's demand, so a slow
 * disk or backend stops reading from the client's socket; nothing holds a whole message in heap.
 */
package dev.mailgate.gateway.smtp;
