package dev.mailgate.mailbox.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses an RFC 5322 address-list (section 3.4) into ENVELOPE addresses, leniently, without
 * decoding RFC 2047 encoded words (IMAP reports them raw). mime4j's address parser decodes display
 * names, which is why this small one exists. Comments are dropped (except as the name of a bare
 * addr-spec), quoted strings unquoted.
 * Bounded: at most {@link #MAX_ADDRESSES} addresses per field.
 */
final class EnvelopeAddressParser {
  static final int MAX_ADDRESSES = 1000;

  private final String s;
  private int pos;

  /** The last comment of the last phrase read, or null (Dovecot names a bare address by it). */
  private String comment;

  private EnvelopeAddressParser(String s) {
    this.s = s;
  }

  static List<EnvelopeAddress> parse(String value) {
    if (value == null) {
      return List.of();
    }
    return new EnvelopeAddressParser(value).list();
  }

  private List<EnvelopeAddress> list() {
    List<EnvelopeAddress> out = new ArrayList<>();
    boolean inGroup = false;
    while (pos < s.length() && out.size() < MAX_ADDRESSES) {
      int start = pos;
      String phrase = phrase();
      char c = pos < s.length() ? s.charAt(pos) : ',';
      if (c == ':' && !inGroup) {
        out.add(EnvelopeAddress.groupStart(phrase));
        inGroup = true;
        pos++;
        continue;
      }
      if (c == '<') {
        pos++;
        int close = s.indexOf('>', pos);
        String inner = close < 0 ? s.substring(pos) : s.substring(pos, close);
        pos = close < 0 ? s.length() : close + 1;
        String adl = null;
        int colon = inner.lastIndexOf(':');
        if (inner.startsWith("@") && colon > 0) {
          adl = inner.substring(0, colon);
          inner = inner.substring(colon + 1);
        }
        out.add(addrSpec(phrase.isEmpty() ? null : phrase, adl, bareSpec(inner)));
        phrase(); // skip anything up to the separator
        c = pos < s.length() ? s.charAt(pos) : ',';
      } else if (!phrase.isEmpty()) {
        // "user@domain (Real Name)": the comment is the only name there is; Dovecot and imaptest's
        // fetch-envelope report it as the display name
        out.add(addrSpec(comment, null, bareSpec(s.substring(start, pos))));
      }
      if (c == ';' && inGroup) {
        out.add(EnvelopeAddress.groupEnd());
        inGroup = false;
      }
      pos++;
    }
    if (inGroup) {
      out.add(EnvelopeAddress.groupEnd());
    }
    return out;
  }

  private static EnvelopeAddress addrSpec(String name, String adl, String spec) {
    int at = spec.lastIndexOf('@');
    if (at < 0) {
      return new EnvelopeAddress(name, adl, spec, "");
    }
    return new EnvelopeAddress(name, adl, spec.substring(0, at), spec.substring(at + 1));
  }

  /**
   * An addr-spec as its semantic content: RFC 5322 section 3.4.1 allows comments and folding
   * white space around the local-part, the "@" and the domain ({@code user (c)@ (c) domain}), none
   * of which belong to the address; a quoted local-part keeps its spaces but loses its quotes
   * ({@code "a b"@domain} is mailbox {@code a b}, as Dovecot reports it).
   */
  private static String bareSpec(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && (quoted || depth > 0) && i + 1 < raw.length()) {
        i++;
        if (quoted) {
          out.append(raw.charAt(i));
        }
      } else if (quoted) {
        if (c == '"') {
          quoted = false;
        } else {
          out.append(c);
        }
      } else if (c == '(') {
        depth++;
      } else if (depth > 0) {
        if (c == ')') {
          depth--;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Words up to an unquoted , : ; or &lt;, joined by single spaces; notes the last comment. */
  private String phrase() {
    comment = null;
    StringBuilder out = new StringBuilder();
    boolean space = false;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ',' || c == ':' || c == ';' || c == '<') {
        break;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        space = out.length() > 0;
        pos++;
      } else if (c == '(') {
        skipComment();
      } else if (c == '"') {
        if (space) {
          out.append(' ');
          space = false;
        }
        pos++;
        while (pos < s.length() && s.charAt(pos) != '"') {
          if (s.charAt(pos) == '\\' && pos + 1 < s.length()) {
            pos++;
          }
          out.append(s.charAt(pos++));
        }
        pos++;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
        pos++;
      }
    }
    return out.toString();
  }

  private void skipComment() {
    int depth = 0;
    int start = pos + 1;
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '\\') {
        pos++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        String text = s.substring(start, pos - 1).strip();
        if (!text.isEmpty()) {
          comment = text;
        }
        return;
      }
    }
  }
}
