package dev.mailgate.mailbox.store;

/**
 * The permanent system flags of RFC 3501 section 2.3.2. {@code \Recent} is not stored: it is a
 * per-session notion the IMAP session derives (RFC 9051 removed it). Each flag owns one bit of the
 * stored mask, so the order of the constants is part of the on-disk format.
 */
public enum SystemFlag {
  SEEN,
  ANSWERED,
  FLAGGED,
  DELETED,
  DRAFT;

  public int bit() {
    return 1 << ordinal();
  }
}
