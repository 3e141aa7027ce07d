package dev.mailgate.mailbox.store;

import java.util.List;

/**
 * The UIDs removed by an expunge, ascending, and the MODSEQ the mailbox reached (RFC 7162 section
 * 3.2.10: expunged UIDs are remembered with this MODSEQ for VANISHED).
 */
public record ExpungeResult(List<Long> uids, long modSeq) {}
