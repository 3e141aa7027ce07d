package dev.mailgate.mailbox.store;

/**
 * A typed store failure, delivered as the error signal of a Mono/Flux. The reasons line up with the
 * IMAP response codes of RFC 5530 and the SMTP enhanced codes the gateway maps them to.
 */
public class MailStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Reason {
    /** NONEXISTENT (RFC 5530), SMTP 550 5.1.1 for an unknown user. */
    NO_SUCH_USER,
    NO_SUCH_MAILBOX,
    /** NONEXISTENT: no message with that UID (expunged meanwhile). */
    NO_SUCH_MESSAGE,
    /** ALREADYEXISTS. */
    ALREADY_EXISTS,
    /** CANNOT: e.g. deleting INBOX, renaming onto a descendant. */
    CANNOT,
    /** NOSELECT-like: the mailbox is a \Noselect placeholder. */
    NOT_SELECTABLE,
    /** OVERQUOTA; see {@link QuotaExceededException}. */
    OVER_QUOTA,
    /**
     * LIMIT (RFC 5530 section 3: "the number of flags used in a mailbox"): the change would bring
     * the mailbox beyond {@link Flags#MAX_KEYWORDS} distinct keywords.
     */
    TOO_MANY_KEYWORDS,
    /** TOOBIG: larger than the store's per-message limit. */
    TOO_BIG,
    /** LIMIT / SERVERBUG-free overload: queues full; retry later (SMTP 451/452). */
    BUSY,
    /** UNAVAILABLE: I/O failure. */
    UNAVAILABLE
  }

  private final Reason reason;

  public MailStoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MailStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
