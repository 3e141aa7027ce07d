package dev.mailgate.mailbox.store;

/**
 * An append or copy would exceed a user's quota (RFC 9208 section 4; SMTP 452 4.2.2 / 552 5.2.2).
 * Nothing was stored.
 */
public final class QuotaExceededException extends MailStoreException {
  private static final long serialVersionUID = 1L;

  /** The RFC 9208 resource that ran out. */
  public enum Resource {
    STORAGE,
    MESSAGE
  }

  private final Resource resource;
  private final long limit;
  private final long used;

  public QuotaExceededException(Resource resource, long limit, long used) {
    super(Reason.OVER_QUOTA, resource + " quota exceeded: " + used + " of " + limit);
    this.resource = resource;
    this.limit = limit;
    this.used = used;
  }

  public Resource resource() {
    return resource;
  }

  public long limit() {
    return limit;
  }

  public long used() {
    return used;
  }
}
