package dev.mailgate.gateway.session;

/**
 * The mail protocols a gateway session speaks towards its client. The {@link #label()} is the
 * lower-case name used in log lines and metric tags, fixed here so dashboards never break when an
 * enum constant is renamed.
 */
public enum Protocol {
  /** IMAP4rev1 / IMAP4rev2 (RFC 3501, RFC 9051). */
  IMAP("imap"),
  /** POP3 (RFC 1939). */
  POP3("pop3"),
  /** SMTP relay and submission (RFC 5321, RFC 6409). */
  SMTP("smtp");

  private final String label;

  Protocol(String label) {
    this.label = label;
  }

  /** The lower-case name for logs and metric tags. */
  public String label() {
    return label;
  }
}
