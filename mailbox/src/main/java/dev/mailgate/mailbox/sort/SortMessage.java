package dev.mailgate.mailbox.sort;

import java.time.Instant;
import java.util.Objects;

/**
 * What SORT compares of one message (RFC 5256 section 3, RFC 5957 section 3). String keys are
 * never null: a missing header or an address list without a mailbox sorts as the empty string, as
 * RFC 5256 section 3 asks. Built by {@link SortFieldsReader}; fields the criteria do not need are
 * left empty there.
 *
 * @param uid the message's UID; ascending UIDs are ascending sequence numbers, the final order
 * @param size RFC822.SIZE
 * @param arrival INTERNALDATE
 * @param sent the sent date of RFC 5256 section 2.2 (the Date: header in UTC, else INTERNALDATE)
 * @param subject the base subject of RFC 5256 section 2.1
 * @param from addr-mailbox of the first From: mailbox
 * @param to addr-mailbox of the first To: mailbox
 * @param cc addr-mailbox of the first Cc: mailbox
 * @param displayFrom display name of the first From: mailbox, decoded, else its address
 * @param displayTo display name of the first To: mailbox, decoded, else its address
 */
public record SortMessage(long uid, long size, Instant arrival, Instant sent, String subject,
    String from, String to, String cc, String displayFrom, String displayTo) {

  public SortMessage {
    Objects.requireNonNull(arrival, "arrival");
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cc, "cc");
    Objects.requireNonNull(displayFrom, "displayFrom");
    Objects.requireNonNull(displayTo, "displayTo");
  }
}
