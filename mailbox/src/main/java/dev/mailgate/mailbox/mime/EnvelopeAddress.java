package dev.mailgate.mailbox.mime;

/**
 * One address of an ENVELOPE (RFC 3501 section 7.4.2): personal name, source route (adl), mailbox
 * and host, raw as in the header (RFC 2047 encoded words are kept encoded, as IMAP wants). Group
 * syntax is flattened the IMAP way: a start marker with {@code host == null} and the group name in
 * {@code mailbox}, the members, then an end marker with mailbox and host both null.
 */
public record EnvelopeAddress(String name, String adl, String mailbox, String host) {
  public static EnvelopeAddress groupStart(String group) {
    return new EnvelopeAddress(null, null, group, null);
  }

  public static EnvelopeAddress groupEnd() {
    return new EnvelopeAddress(null, null, null, null);
  }

  public boolean isGroupStart() {
    return host == null && mailbox != null;
  }

  public boolean isGroupEnd() {
    return host == null && mailbox == null;
  }

  /** {@code mailbox@host}, or the mailbox alone when the host is empty. */
  public String address() {
    return host == null || host.isEmpty() ? String.valueOf(mailbox) : mailbox + "@" + host;
  }
}
