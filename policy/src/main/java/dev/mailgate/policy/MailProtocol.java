package dev.mailgate.policy;

/**
 * The protocols a listener speaks. SMTP is the MX-style relay (RFC 5321, port 25), SUBMISSION is
 * message submission with authentication (RFC 6409, ports 587 and 465).
 */
public enum MailProtocol {
  SMTP,
  SUBMISSION,
  POP3,
  IMAP;

  private static final MailProtocol[] VALUES = values();

  /** The lower-case name used in configuration files and explanations. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Looks a protocol up by its configuration name, ignoring case; {@code null} when unknown. */
  public static MailProtocol fromConfigName(String name) {
    for (MailProtocol p : VALUES) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    return null;
  }

  /** SMTP and submission both speak SMTP on the wire. */
  public boolean isSmtpFamily() {
    return this == SMTP || this == SUBMISSION;
  }
}
