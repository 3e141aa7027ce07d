package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.SmtpReply;
import java.util.Objects;

/** A {@link TransactionSink.Transaction}'s answer to one {@code RCPT TO} (RFC 5321 4.1.1.3). */
public sealed interface RecipientVerdict {

  /** The recipient is taken; {@code reply} is sent to the client (a 250). */
  record Accepted(SmtpReply reply) implements RecipientVerdict {
    public Accepted {
      Objects.requireNonNull(reply, "reply");
      if (!reply.isPositive()) {
        throw new IllegalArgumentException("an accepted recipient needs a 2yz reply");
      }
    }
  }

  /** The recipient is refused with this 4yz/5yz reply; the transaction goes on without it. */
  record Refused(SmtpReply reply) implements RecipientVerdict {
    public Refused {
      Objects.requireNonNull(reply, "reply");
      if (reply.isPositive()) {
        throw new IllegalArgumentException("a refusal needs a 4yz or 5yz reply");
      }
    }
  }

  static RecipientVerdict accepted() {
    return new Accepted(SmtpReplies.RCPT_OK);
  }

  static RecipientVerdict refused(SmtpReply reply) {
    return new Refused(reply);
  }
}
