package dev.mailgate.config;

import dev.mailgate.config.yaml.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every error of one load, so all of them are reported at once. */
final class Errors {
  private final List<ConfigError> list = new ArrayList<>();

  void add(Location at, String message) {
    list.add(new ConfigError(at, message));
  }

  List<ConfigError> list() {
    return list;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** In file order, as an editor would walk them. */
  List<ConfigError> sorted() {
    List<ConfigError> out = new ArrayList<>(list);
    out.sort(Comparator.comparing((ConfigError e) -> e.location().file())
        .thenComparingInt(e -> e.location().line())
        .thenComparingInt(e -> e.location().column()));
    return List.copyOf(out);
  }
}
