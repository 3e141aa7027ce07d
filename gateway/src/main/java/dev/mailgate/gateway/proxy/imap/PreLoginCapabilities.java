package dev.mailgate.gateway.proxy.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * The capabilities the gateway advertises before login (RFC 9051 section 6.1.1, RFC 3501 section
 * 7.2.1, RFC 2595 section 3.1): STARTTLS while it is possible, and either the AUTH= mechanisms
 * when a login may be attempted now, or LOGINDISABLED when it may not (plaintext from a client
 * outside the plaintext-auth networks). After STARTTLS the list is recomputed (RFC 2595: the
 * client must ask again). After login the client sees the backend's own list instead.
 *
 * <p>IMAP4rev2 is not offered: the backend behind may speak only IMAP4rev1, and a client that
 * enabled rev2 semantics here would be wrong after the relay starts.
 */
final class PreLoginCapabilities {

  /** The SASL mechanisms the gateway accepts from clients and can replay. */
  static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER");

  /** The four lists, by {@link #index}: made once, not on every greeting. */
  private static final List<List<String>> LISTS = List.of(
      build(false, false), build(false, true), build(true, false), build(true, true));

  private PreLoginCapabilities() {}

  /**
   * @param startTlsAvailable the listener offers STARTTLS and TLS is not active yet
   * @param loginAllowed a login may be attempted on this connection now
   * @return the list, immutable
   */
  static List<String> of(boolean startTlsAvailable, boolean loginAllowed) {
    return LISTS.get(index(startTlsAvailable, loginAllowed));
  }

  /** 0 to 3: which of the four lists the two answers select. */
  static int index(boolean startTlsAvailable, boolean loginAllowed) {
    return (startTlsAvailable ? 2 : 0) + (loginAllowed ? 1 : 0);
  }

  private static List<String> build(boolean startTlsAvailable, boolean loginAllowed) {
    List<String> caps = new ArrayList<>(12);
    caps.add("IMAP4rev1");
    caps.add("SASL-IR");
    caps.add("LITERAL+");
    caps.add("ID");
    if (startTlsAvailable) {
      caps.add("STARTTLS");
    }
    if (loginAllowed) {
      for (String m : MECHANISMS) {
        caps.add("AUTH=" + m);
      }
    } else {
      caps.add("LOGINDISABLED");
    }
    return List.copyOf(caps);
  }
}
