package dev.mailgate.mailbox.store;

/**
 * The store's stable identity of a mailbox: it survives RENAME (RFC 3501 section 6.3.5), so a
 * selected session keeps working after another session renames its mailbox. A PostgreSQL store
 * would use a BIGSERIAL here.
 */
public record MailboxId(long value) {
  public MailboxId {
    if (value <= 0) {
      throw new IllegalArgumentException("mailbox id must be positive: " + value);
    }
  }
}
