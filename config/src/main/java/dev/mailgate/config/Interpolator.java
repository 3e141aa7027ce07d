package dev.mailgate.config;

import dev.mailgate.config.yaml.Location;
import dev.mailgate.config.yaml.YNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in scalar values from the environment, as a
 * shell would ({@code :-} also applies when the variable is set but empty). {@code $$} is a
 * literal {@code $}. Keys are never interpolated. An unset variable without a default is an error
 * at the scalar's location. Names are {@code [A-Za-z_][A-Za-z0-9_]*}.
 */
final class Interpolator {
  private final Map<String, String> env;
  private final Errors errors;

  Interpolator(Map<String, String> env, Errors errors) {
    this.env = env;
    this.errors = errors;
  }

  YNode apply(YNode node) {
    if (node instanceof YNode.YMap m) {
      Map<String, YNode.Entry> out = new LinkedHashMap<>();
      m.entries().forEach((k, e) -> out.put(k, new YNode.Entry(k, e.keyLocation(),
          apply(e.value()))));
      return new YNode.YMap(m.location(), out);
    }
    if (node instanceof YNode.YList l) {
      List<YNode> out = new ArrayList<>();
      l.items().forEach(i -> out.add(apply(i)));
      return new YNode.YList(l.location(), out);
    }
    YNode.YScalar s = (YNode.YScalar) node;
    if (s.text() == null || s.text().indexOf('$') < 0) {
      return s;
    }
    return new YNode.YScalar(s.location(), expand(s.text(), s.location()));
  }

  String expand(String text, Location at) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      if (next != '{') {
        out.append(c);
        i++;
        continue;
      }
      int close = text.indexOf('}', i + 2);
      if (close < 0) {
        errors.add(at, "unterminated ${ in '" + text + "'");
        return text;
      }
      String body = text.substring(i + 2, close);
      int dflt = body.indexOf(":-");
      String name = dflt < 0 ? body : body.substring(0, dflt);
      if (!validName(name)) {
        errors.add(at, "bad environment variable name '" + name + "' in ${...}");
        return text;
      }
      String value = env.get(name);
      if (dflt >= 0) {
        if (value == null || value.isEmpty()) {
          value = body.substring(dflt + 2);
        }
      } else if (value == null) {
        errors.add(at, "environment variable " + name + " is not set (use ${" + name
            + ":-default} for a default)");
        value = "";
      }
      out.append(value);
      i = close + 1;
    }
    return out.toString();
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_') {
        return false;
      }
    }
    return true;
  }
}
