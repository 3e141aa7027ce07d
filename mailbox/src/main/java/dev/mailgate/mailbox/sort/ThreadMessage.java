package dev.mailgate.mailbox.sort;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What THREAD looks at of one message (RFC 5256 section 3). Message IDs are compared as written,
 * case-sensitively, without their angle brackets.
 *
 * @param uid the message's UID; ascending UIDs are ascending sequence numbers
 * @param sent the sent date of RFC 5256 section 2.2 (the Date: header in UTC, else INTERNALDATE)
 * @param subject the base subject of RFC 5256 section 2.1 and whether it marked a reply or forward
 * @param messageId the first msg-id of Message-ID:, or null when it has none
 * @param references the msg-ids of References:, oldest first, or when it has none the first of
 *     In-Reply-To: (REFERENCES step 1), possibly empty
 */
public record ThreadMessage(long uid, Instant sent, BaseSubject subject, String messageId,
    List<String> references) {

  public ThreadMessage {
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(subject, "subject");
    references = List.copyOf(references);
  }
}
