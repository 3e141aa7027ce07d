package dev.mailgate.mailbox.store;

import java.util.List;

/**
 * A committed change to one mailbox, published after the change is durable, in commit order. IMAP
 * sessions turn these into untagged EXISTS, EXPUNGE / VANISHED and FETCH FLAGS responses (RFC 3501
 * section 7.3-7.4, RFC 7162 section 3.2.10); IDLE pushes them at once. Each carries the MODSEQ the
 * change produced so a session can skip the echo of its own changes.
 */
public sealed interface MailboxEvent {
  MailboxId mailbox();

  long modSeq();

  /** A message was appended, copied or moved in. */
  record Added(MailboxId mailbox, long uid, long modSeq, Flags flags) implements MailboxEvent {}

  /** Messages were expunged (or moved out). */
  record Expunged(MailboxId mailbox, List<Long> uids, long modSeq) implements MailboxEvent {}

  /** A message's flags changed. */
  record FlagsChanged(MailboxId mailbox, long uid, Flags flags, long modSeq) implements MailboxEvent {}

  /** The mailbox was deleted (or its messages moved away by RENAME INBOX): sessions should close it. */
  record Deleted(MailboxId mailbox, long modSeq) implements MailboxEvent {}
}
