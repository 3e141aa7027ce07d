package dev.mailgate.mailbox.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The per-message metadata kept in the index (RFC 3501 section 2.3): UID, flags, MODSEQ (RFC 7162
 * section 3.1.1), RFC822.SIZE, INTERNALDATE, and the Date: header parsed for SENTBEFORE and friends,
 * as its date and time were written read as UTC (the zone undone: SENT* disregard it)
 * (empty when missing or unparseable). INTERNALDATE keeps the zone it was stored with ({@link
 * AppendRequest#internalDate()}).
 */
public record MessageMeta(
    long uid, long modSeq, Flags flags, long size, OffsetDateTime internalDate, Optional<Instant> sentDate) {}
