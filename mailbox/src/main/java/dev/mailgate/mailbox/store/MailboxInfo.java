package dev.mailgate.mailbox.store;

import java.util.Optional;

/**
 * A snapshot of one mailbox: what SELECT, EXAMINE and STATUS report (RFC 3501 sections 6.3.1,
 * 6.3.10; RFC 7162 section 3.1 for HIGHESTMODSEQ; RFC 6154 for the special use).
 *
 * @param deleted messages flagged \Deleted (STATUS DELETED, RFC 9051 section 6.3.11)
 * @param recent messages no session has claimed as \Recent yet (STATUS RECENT, {@link
 *     MailStore#claimRecent})
 * @param bytes the sum of the messages' sizes (STATUS SIZE, RFC 8438)
 * @param selectable false for a \Noselect placeholder: left by DELETE of a mailbox with children, or
 *     made by CREATE for a missing superior
 * @param hasChildren true if some mailbox lies below this one (RFC 3348 CHILDREN)
 */
public record MailboxInfo(
    MailboxId id,
    String user,
    MailboxName name,
    long uidValidity,
    long uidNext,
    long highestModSeq,
    long messages,
    long unseen,
    long deleted,
    long recent,
    long bytes,
    Optional<SpecialUse> specialUse,
    boolean selectable,
    boolean hasChildren,
    boolean subscribed) {}
