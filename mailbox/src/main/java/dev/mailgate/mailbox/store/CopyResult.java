package dev.mailgate.mailbox.store;

import java.util.List;

/**
 * The outcome of COPY or MOVE: the COPYUID response code's data (RFC 4315 section 3, RFC 6851):
 * {@code sourceUids.get(i)} became {@code destinationUids.get(i)}. Empty lists if no UID matched.
 */
public record CopyResult(long destinationUidValidity, List<Long> sourceUids, List<Long> destinationUids) {}
