package dev.mailgate.gateway.logging;

import dev.mailgate.gateway.session.ProtocolLabel;
import dev.mailgate.gateway.session.SessionSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of the session log line and their text form: {@code key=value} separated by spaces,
 * {@code -} for a value not known (no TLS, no login, no backend). Values come partly from the
 * client (the user name), so any value with a character outside a plain set is quoted and its
 * quotes, backslashes and control characters escaped: a client can never forge a second line or a
 * misleading field.
 */
public final class SessionLine {
  private static final String NONE = "-";

  private SessionLine() {}

  /** The fields in their fixed order, values as strings ({@code -} when unknown). */
  public static Map<String, String> fields(SessionSnapshot s) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("session", s.id());
    f.put("protocol", ProtocolLabel.of(s.protocol()));
    f.put("listener", s.listener());
    f.put("client", hostPort(s.clientAddress(), s.clientPort()));
    f.put("tls", s.tls() == null ? NONE : s.tls().version());
    f.put("cipher", s.tls() == null ? NONE : s.tls().cipher());
    f.put("user", orNone(s.user()));
    f.put("backend", orNone(s.backend()));
    f.put("bytes_in", Long.toString(s.bytesIn()));
    f.put("bytes_out", Long.toString(s.bytesOut()));
    f.put("duration_ms", Long.toString(s.duration().toMillis()));
    f.put("reason", s.endReason() == null ? "live" : s.endReason().label());
    return f;
  }

  /** The text line: {@code session=k3f9-1a protocol=imap ... reason=client_quit}. */
  public static String format(SessionSnapshot s) {
    return format(fields(s));
  }

  /** The text line of fields already made by {@link #fields} (a caller that needs both makes them once). */
  public static String format(Map<String, String> fields) {
    StringBuilder b = new StringBuilder(256);
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(e.getKey()).append('=');
      appendValue(b, e.getValue());
    }
    return b.toString();
  }

  static String hostPort(String address, int port) {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }

  private static String orNone(String v) {
    return v == null || v.isEmpty() ? NONE : v;
  }

  /** Appends a value bare when it is plain, else quoted with escapes. */
  static void appendValue(StringBuilder b, String v) {
    if (isPlain(v)) {
      b.append(v);
      return;
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (Character.isISOControl(c)) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (c == '\u2028' || c == '\u2029') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }

  private static boolean isPlain(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || ".-_@:+/[]%".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
