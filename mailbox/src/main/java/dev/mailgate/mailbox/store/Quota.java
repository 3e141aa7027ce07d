package dev.mailgate.mailbox.store;

/**
 * A user's quota (RFC 9208 STORAGE and MESSAGE resources): limits and current usage. A limit of
 * {@link #UNLIMITED} means none.
 */
public record Quota(long storageLimit, long storageUsed, long messageLimit, long messagesUsed) {
  public static final long UNLIMITED = Long.MAX_VALUE;

  /** Limits only, for provisioning. */
  public static Quota limits(long storageLimit, long messageLimit) {
    return new Quota(storageLimit, 0, messageLimit, 0);
  }

  public static Quota unlimited() {
    return limits(UNLIMITED, UNLIMITED);
  }
}
