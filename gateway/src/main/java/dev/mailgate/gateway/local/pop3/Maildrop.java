package dev.mailgate.gateway.local.pop3;

import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A POP3 session's view of the INBOX, fixed at login (RFC 1939 section 5: message numbers do not
 * change during a session and messages delivered meanwhile do not appear). Holds UID and size per
 * message, at most {@link LocalPop3Settings#maxMessages()} of them, and the numbers marked by
 * DELE until QUIT or RSET.
 *
 * <p>Unique-ids (RFC 1939 section 7, UIDL) are {@code <uidvalidity>.<uid>}: stable for as long as
 * IMAP's UIDs are, and changing exactly when IMAP clients must resynchronise too.
 */
final class Maildrop {

  private final String user;
  private final MailboxId mailbox;
  private final long uidValidity;
  private final long[] uids;
  private final long[] sizes;
  private final BitSet deleted = new BitSet();

  Maildrop(String user, MailboxId mailbox, long uidValidity, List<MessageMeta> messages) {
    this.user = user;
    this.mailbox = mailbox;
    this.uidValidity = uidValidity;
    this.uids = new long[messages.size()];
    this.sizes = new long[messages.size()];
    for (int i = 0; i < messages.size(); i++) {
      uids[i] = messages.get(i).uid();
      sizes[i] = messages.get(i).size();
    }
  }

  String user() {
    return user;
  }

  MailboxId mailbox() {
    return mailbox;
  }

  /** Messages in the maildrop, deleted ones included (the highest message number). */
  int size() {
    return uids.length;
  }

  /** Whether {@code n} names a message that exists and is not marked deleted. */
  boolean exists(int n) {
    return n >= 1 && n <= uids.length && !deleted.get(n - 1);
  }

  boolean isDeleted(int n) {
    return n >= 1 && n <= uids.length && deleted.get(n - 1);
  }

  long uid(int n) {
    return uids[n - 1];
  }

  long octets(int n) {
    return sizes[n - 1];
  }

  String uniqueId(int n) {
    return uidValidity + "." + uids[n - 1];
  }

  void delete(int n) {
    deleted.set(n - 1);
  }

  void reset() {
    deleted.clear();
  }

  /** Messages not marked deleted (STAT). */
  int liveCount() {
    return uids.length - deleted.cardinality();
  }

  /** Their total size (STAT). */
  long liveOctets() {
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (!deleted.get(i)) {
        total += sizes[i];
      }
    }
    return total;
  }

  /** UIDs of the messages marked deleted, for the UPDATE state. */
  List<Long> deletedUids() {
    List<Long> out = new ArrayList<>(deleted.cardinality());
    for (int i = deleted.nextSetBit(0); i >= 0; i = deleted.nextSetBit(i + 1)) {
      out.add(uids[i]);
    }
    return out;
  }
}
