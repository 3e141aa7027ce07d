package dev.mailgate.mailbox.store;

import java.util.List;

/**
 * The outcome of a STORE: the messages whose flags changed (with their new MODSEQ, for the untagged
 * FETCH responses), the UIDs refused by UNCHANGEDSINCE (the MODIFIED response code of RFC 7162
 * section 3.1.3), and the messages whose flags were already as requested, with the flags and MODSEQ
 * they kept, read in the same transaction (a session's view of them may be older; RFC 3501 section
 * 6.4.6 answers every message with its flags).
 */
public record StoreResult(List<MessageFlags> updated, List<Long> modified, List<MessageFlags> unchanged) {
  /** A result that says nothing of the messages left as they were. */
  public StoreResult(List<MessageFlags> updated, List<Long> modified) {
    this(updated, modified, List.of());
  }

  /** A message's flags after a change. */
  public record MessageFlags(long uid, Flags flags, long modSeq) {}
}
