package dev.mailgate.codec.sasl;

/**
 * The SASL mechanisms the gateway understands: PLAIN (RFC 4616), LOGIN
 * (draft-murchison-sasl-login), XOAUTH2 (Google's format), OAUTHBEARER (RFC 7628), CRAM-MD5 (RFC
 * 2195) and EXTERNAL (RFC 4422 appendix A). The same messages travel in SMTP AUTH (RFC 4954), IMAP
 * AUTHENTICATE (RFC 3501) and POP3 AUTH (RFC 5034).
 */
public enum SaslMechanism {
  PLAIN("PLAIN"),
  LOGIN("LOGIN"),
  XOAUTH2("XOAUTH2"),
  OAUTHBEARER("OAUTHBEARER"),
  CRAM_MD5("CRAM-MD5"),
  EXTERNAL("EXTERNAL");

  private final String wire;

  SaslMechanism(String wire) {
    this.wire = wire;
  }

  /** The registered mechanism name. */
  public String wire() {
    return wire;
  }

  /** The mechanism named {@code name} (case-insensitive), or {@code null} when not supported. */
  public static SaslMechanism lookup(CharSequence name) {
    for (SaslMechanism m : values()) {
      if (m.wire.length() == name.length() && m.wire.contentEquals(upper(name))) {
        return m;
      }
    }
    return null;
  }

  private static CharSequence upper(CharSequence s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
    }
    return b;
  }
}
