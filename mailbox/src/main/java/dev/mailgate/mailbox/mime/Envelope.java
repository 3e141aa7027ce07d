package dev.mailgate.mailbox.mime;

import java.util.List;

/**
 * The ENVELOPE of a message (RFC 3501 section 7.4.2): header values unfolded but otherwise raw
 * (encoded words left encoded), null when the field is absent. Sender and Reply-To default to From
 * as the RFC requires of the server.
 */
public record Envelope(
    String date,
    String subject,
    List<EnvelopeAddress> from,
    List<EnvelopeAddress> sender,
    List<EnvelopeAddress> replyTo,
    List<EnvelopeAddress> to,
    List<EnvelopeAddress> cc,
    List<EnvelopeAddress> bcc,
    String inReplyTo,
    String messageId) {

  public Envelope {
    from = List.copyOf(from);
    sender = List.copyOf(sender.isEmpty() ? from : sender);
    replyTo = List.copyOf(replyTo.isEmpty() ? from : replyTo);
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
  }
}
