package dev.mailgate.mailbox.store;

/**
 * SPECIAL-USE mailbox roles (RFC 6154 section 2). Every new user gets one mailbox per role, named
 * {@link #defaultName()}.
 */
public enum SpecialUse {
  SENT("Sent"),
  DRAFTS("Drafts"),
  TRASH("Trash"),
  JUNK("Junk"),
  ARCHIVE("Archive");

  private final String defaultName;

  SpecialUse(String defaultName) {
    this.defaultName = defaultName;
  }

  public String defaultName() {
    return defaultName;
  }
}
