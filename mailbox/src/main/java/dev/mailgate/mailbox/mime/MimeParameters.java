package dev.mailgate.mailbox.mime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a Content-Type or Content-Disposition value ({@code *(";" attribute "="
 * value)}, RFC 2045 section 5.1, RFC 2183 section 2), read as Dovecot reads them, so that
 * BODYSTRUCTURE shows what Dovecot shows and multipart boundaries are found where Dovecot finds
 * them:
 *
 * <ul>
 *   <li>a quoted value ends at its closing quote and a token at the first character that cannot be
 *       in one; whatever follows up to the next {@code ;} is skipped, so {@code boundary="q"
 *       charset="x"} (a missing semicolon) gives boundary {@code q}, not {@code q charset=x};
 *   <li>RFC 2231 continuations ({@code name*0}, {@code name*1*}) are joined in index order into
 *       {@code name} (or {@code name*} when a section is charset-encoded, still encoded); values
 *       are never decoded, neither RFC 2231 {@code charset'lang'%XX} nor RFC 2047 encoded words.
 * </ul>
 *
 * <p>Names are lower-cased (a repeated name keeps its last value); parameters come in header
 * order, the joined RFC 2231 ones after the others, by name. The value before the first {@code ;}
 * (the type) is skipped, comments included.
 */
final class MimeParameters {
  private MimeParameters() {}

  /** One RFC 2231 section: {@code name*index} or {@code name*index*} (extended, i.e. encoded). */
  private record Section(String name, int index, boolean extended, String value) {}

  static Map<String, String> parse(String field) {
    Map<String, String> params = new LinkedHashMap<>();
    List<Section> sections = new ArrayList<>();
    Reader r = new Reader(field);
    r.skipType();
    while (!r.atEnd()) {
      if (r.peek() != ';') {
        r.pos++; // garbage after a value: skipped up to the next ';'
        continue;
      }
      r.pos++;
      if (!r.parameter(params, sections)) {
        if (!r.atEnd()) {
          r.pos++; // the character it failed at, as Dovecot skips it
        }
      }
    }
    join(sections, params);
    return params;
  }

  /** Joins each name's sections; a name with missing or repeated indexes keeps them apart. */
  private static void join(List<Section> sections, Map<String, String> params) {
    sections.sort(Comparator.comparing(Section::name).thenComparingInt(Section::index));
    int i = 0;
    while (i < sections.size()) {
      String name = sections.get(i).name();
      int end = i;
      boolean contiguous = true;
      boolean extended = false;
      for (; end < sections.size() && sections.get(end).name().equals(name); end++) {
        contiguous &= sections.get(end).index() == end - i;
        extended |= sections.get(end).extended();
      }
      if (!contiguous) {
        for (Section s : sections.subList(i, end)) {
          params.put(name + "*" + s.index() + (s.extended() ? "*" : ""), s.value());
        }
      } else {
        StringBuilder value = new StringBuilder();
        if (extended && !sections.get(i).extended()) {
          value.append("''"); // the joined value is encoded: no charset, no language
        }
        for (Section s : sections.subList(i, end)) {
          // a plain section inside an encoded value must not read as a %XX escape
          value.append(extended && !s.extended() ? s.value().replace("%", "%25") : s.value());
        }
        params.put(extended ? name + "*" : name, value.toString());
      }
      i = end;
    }
  }

  /** A cursor over the field value with RFC 822 / RFC 2045 lexical rules. */
  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return s.charAt(pos);
    }

    void skipType() {
      while (!atEnd() && peek() != ';') {
        if (peek() == '(') {
          skipComment();
        } else {
          pos++;
        }
      }
    }

    /** {@code attribute "=" value} after a ';'; false (nothing added) if it is malformed. */
    boolean parameter(Map<String, String> params, List<Section> sections) {
      skipBlanks();
      String name = token().toLowerCase(Locale.ROOT);
      skipBlanks();
      if (name.isEmpty() || atEnd() || peek() != '=') {
        return false;
      }
      pos++;
      skipBlanks();
      String value;
      if (atEnd()) {
        value = "";
      } else if (peek() == '"') {
        value = quoted();
        if (value == null) {
          return false;
        }
      } else if (peek() == '=') {
        value = encodedWordWithoutQuotes();
      } else {
        value = token();
      }
      skipBlanks();
      add(name, value, params, sections);
      return true;
    }

    private static void add(String name, String value, Map<String, String> params, List<Section> sections) {
      int star = name.indexOf('*');
      if (star > 0 && star == name.length() - 1) {
        sections.add(new Section(name.substring(0, star), 0, true, value)); // name*: one, encoded
        return;
      }
      if (star > 0) {
        int i = star + 1;
        int index = 0;
        while (i < name.length() && Character.isDigit(name.charAt(i)) && index < 100_000) {
          index = index * 10 + name.charAt(i++) - '0';
        }
        boolean extended = i < name.length() && name.charAt(i) == '*';
        if (extended) {
          i++;
        }
        if (i == name.length()) {
          sections.add(new Section(name.substring(0, star), index, extended, value));
          return;
        }
      }
      params.put(name, value);
    }

    /** RFC 2045 token characters (atext without tspecials), and '.'; 8-bit characters too. */
    private static boolean isTokenChar(char c) {
      return c >= 0x80 || Character.isLetterOrDigit(c) || "!#$%&'*+-^_`{|}~.".indexOf(c) >= 0;
    }

    private String token() {
      int start = pos;
      while (!atEnd() && isTokenChar(peek())) {
        pos++;
      }
      return s.substring(start, pos);
    }

    /** A quoted-string's content, escapes and folding undone; null if it is never closed. */
    private String quoted() {
      StringBuilder b = new StringBuilder();
      for (pos++; !atEnd(); pos++) {
        char c = peek();
        if (c == '"') {
          pos++;
          return b.toString();
        } else if (c == '\\') {
          if (++pos == s.length()) {
            return null;
          }
          b.append(peek());
        } else if (c != '\r' && c != '\n') {
          b.append(c);
        }
      }
      return null;
    }

    /** {@code name==?utf-8?b?...?=} as broken mailers write it: up to ';' or white space. */
    private String encodedWordWithoutQuotes() {
      int start = pos;
      while (!atEnd() && peek() != ';' && peek() != ' ' && peek() != '\t' && peek() != '\r'
          && peek() != '\n') {
        pos++;
      }
      return s.substring(start, pos);
    }

    /** White space and (nested) comments. */
    private void skipBlanks() {
      while (!atEnd()) {
        char c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          pos++;
        } else if (c == '(') {
          skipComment();
        } else {
          return;
        }
      }
    }

    private void skipComment() {
      int depth = 0;
      for (; !atEnd(); pos++) {
        char c = peek();
        if (c == '\\') {
          pos++;
        } else if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          pos++;
          return;
        }
      }
      pos = s.length(); // unclosed: the rest is comment
    }
  }
}
