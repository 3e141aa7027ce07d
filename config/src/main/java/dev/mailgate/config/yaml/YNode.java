package dev.mailgate.config.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node with the location it was read from, so every later error can name FILE:LINE:COL.
 * Scalars keep their text; typing happens in the binder, which knows what each key expects.
 */
public sealed interface YNode {
  Location location();

  /** A mapping; entries keep file order, each with its key's own location. */
  record YMap(Location location, Map<String, Entry> entries) implements YNode {
    public YMap {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  /** One mapping entry. */
  record Entry(String key, Location keyLocation, YNode value) {}

  record YList(Location location, List<YNode> items) implements YNode {
    public YList {
      items = List.copyOf(items);
    }
  }

  /** A scalar; {@code text} is null for YAML null ({@code ~}, {@code null} or nothing). */
  record YScalar(Location location, String text) implements YNode {}

  /** What a node is, for messages such as "expected a list, got a mapping". */
  static String describe(YNode n) {
    if (n instanceof YMap) {
      return "a mapping";
    }
    if (n instanceof YList) {
      return "a list";
    }
    return ((YScalar) n).text() == null ? "nothing (null)" : "a scalar";
  }
}
