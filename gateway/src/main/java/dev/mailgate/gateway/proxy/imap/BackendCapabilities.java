package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.List;

/**
 * What {@link BackendLogin} needs of a backend's capability list (RFC 9051 section 7.2.2): whether
 * it names STARTTLS, ID (RFC 2971), LOGINDISABLED, SASL-IR (RFC 4959), LITERAL+ (RFC 7888) and each
 * {@code AUTH=} mechanism, compared without regard to case. Read straight from the code's text: a
 * login asks these few questions once, so a set of every name the backend lists (split, upper-cased
 * and hashed on every login) was work for nothing.
 */
record BackendCapabilities(int bits) {

  static final int STARTTLS = 1;
  static final int ID = 1 << 1;
  static final int LOGINDISABLED = 1 << 2;
  static final int SASL_IR = 1 << 3;
  static final int LITERAL_PLUS = 1 << 4;
  /** {@code AUTH=m} is bit {@code AUTH_SHIFT + m.ordinal()}. */
  private static final int AUTH_SHIFT = 5;

  private static final String[] NAMES = names();

  private static String[] names() {
    SaslMechanism[] mechs = SaslMechanism.values();
    String[] n = new String[AUTH_SHIFT + mechs.length];
    n[0] = "STARTTLS";
    n[1] = "ID";
    n[2] = "LOGINDISABLED";
    n[3] = "SASL-IR";
    n[4] = "LITERAL+";
    for (SaslMechanism m : mechs) {
      n[AUTH_SHIFT + m.ordinal()] = "AUTH=" + m.wire();
    }
    return n;
  }

  /** The capabilities of a space-separated list (a {@code [CAPABILITY ...]} code's arguments). */
  static BackendCapabilities of(String list) {
    int bits = 0;
    if (list != null) {
      int n = list.length();
      int i = 0;
      while (i < n) {
        while (i < n && list.charAt(i) == ' ') {
          i++;
        }
        int start = i;
        while (i < n && list.charAt(i) != ' ') {
          i++;
        }
        bits |= bit(list, start, i - start);
      }
    }
    return new BackendCapabilities(bits);
  }

  /** The capabilities of a {@code * CAPABILITY} response's names. */
  static BackendCapabilities of(List<String> names) {
    int bits = 0;
    for (String s : names) {
      bits |= bit(s, 0, s.length());
    }
    return new BackendCapabilities(bits);
  }

  private static int bit(String s, int start, int length) {
    for (int b = 0; b < NAMES.length; b++) {
      String name = NAMES[b];
      if (name.length() == length && s.regionMatches(true, start, name, 0, length)) {
        return 1 << b;
      }
    }
    return 0;
  }

  boolean has(int capability) {
    return (bits & capability) != 0;
  }

  /** Whether the list names {@code AUTH=} this mechanism. */
  boolean offers(SaslMechanism mechanism) {
    return (bits & (1 << (AUTH_SHIFT + mechanism.ordinal()))) != 0;
  }
}
