package dev.mailgate.mailbox.store;

import java.util.List;

/**
 * The outcome of a STORE: the messages whose flags changed (with their new MODSEQ, for the untagged
 * FETCH responses) and the UIDs refused by UNCHANGEDSINCE (the MODIFIED response code of RFC 7162
 * section 3.1.3). Messages whose flags were already as requested appear in neither list and keep
 * their MODSEQ.
 */
public record StoreResult(List<MessageFlags> updated, List<Long> modified) {
  /** A message's flags after a change. */
  public record MessageFlags(long uid, Flags flags, long modSeq) {}
}
