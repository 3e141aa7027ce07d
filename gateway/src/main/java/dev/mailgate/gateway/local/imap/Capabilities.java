package dev.mailgate.gateway.local.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * The CAPABILITY list (RFC 3501 section 6.1.1) for a session's state. Before login it names what a
 * client needs to log in: STARTTLS while TLS is available and not yet active, and LOGINDISABLED
 * instead of AUTH=PLAIN while plaintext login is refused (RFC 3501 section 6.2.3, RFC 2595). After
 * login it lists every extension the local tier serves.
 */
final class Capabilities {
  private final LocalImapSettings settings;
  private final boolean plaintextAuthAllowed;

  /** @param plaintextAuthAllowed whether this session's client may log in without TLS */
  Capabilities(LocalImapSettings settings, boolean plaintextAuthAllowed) {
    this.settings = settings;
    this.plaintextAuthAllowed = plaintextAuthAllowed;
  }

  /** LITERAL+ only when a non-synchronising literal may be as large as any literal (RFC 7888). */
  String literal() {
    return settings.limits().maxNonSyncLiteral() >= settings.limits().maxLiteralAfterLogin()
        ? "LITERAL+" : "LITERAL-";
  }

  /** True when LOGIN / AUTHENTICATE must be refused on this connection. */
  boolean loginDisabled(boolean tlsActive) {
    return !tlsActive && !plaintextAuthAllowed;
  }

  List<String> beforeLogin(boolean tlsActive) {
    List<String> caps = new ArrayList<>(List.of("IMAP4rev1", literal(), "SASL-IR", "ID", "ENABLE", "IDLE"));
    if (!tlsActive && settings.tls() != null) {
      caps.add("STARTTLS");
    }
    if (loginDisabled(tlsActive)) {
      caps.add("LOGINDISABLED");
    } else {
      caps.add("AUTH=PLAIN");
    }
    return caps;
  }

  List<String> afterLogin() {
    return List.of("IMAP4rev1", literal(), "SASL-IR", "IDLE", "UIDPLUS", "MOVE", "NAMESPACE", "ID",
        "ENABLE", "SPECIAL-USE", "UNSELECT", "CHILDREN", "APPENDLIMIT=" + settings.appendLimit(),
        "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "CONDSTORE", "QRESYNC", "LIST-EXTENDED",
        "LIST-STATUS", "ESEARCH", "SEARCHRES", "MULTIAPPEND", "STATUS=SIZE", "UTF8=ACCEPT", "BINARY",
        "SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES");
  }

  List<String> forState(boolean authenticated, boolean tlsActive) {
    return authenticated ? afterLogin() : beforeLogin(tlsActive);
  }
}
