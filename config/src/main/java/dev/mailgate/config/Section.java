package dev.mailgate.config;

import dev.mailgate.config.model.HostPort;
import dev.mailgate.config.yaml.Location;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.net.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one YAML mapping against the keys a binder asks for. Every accessor registers its key as
 * known, so {@link #finish()}, called after all accessors, reports the keys nobody asked for with
 * the closest known key as a hint. A bad value is reported at its own location and the default is
 * returned, so binding goes on and every error of the file is found in one pass.
 */
final class Section {
  private final YNode.YMap map;
  private final Errors errors;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();

  private Section(YNode.YMap map, Errors errors, String path) {
    this.map = map;
    this.errors = errors;
    this.path = path;
  }

  /** A section over {@code node}; a node that is not a mapping is reported and read as empty. */
  static Section of(YNode node, Errors errors, String path) {
    if (node instanceof YNode.YMap m) {
      return new Section(m, errors, path);
    }
    if (!(node instanceof YNode.YScalar s && s.text() == null)) {
      errors.add(node.location(), path + ": expected a mapping, got " + YNode.describe(node));
    }
    return new Section(new YNode.YMap(node.location(), Map.of()), errors, path);
  }

  Errors errors() {
    return errors;
  }

  String path() {
    return path;
  }

  Location location() {
    return map.location();
  }

  /** Where the key's value is, or the mapping itself when the key is absent. */
  Location locationOf(String key) {
    YNode.Entry e = map.entries().get(key);
    return e == null ? map.location() : e.value().location();
  }

  boolean has(String key) {
    known.add(key);
    YNode.Entry e = map.entries().get(key);
    return e != null && !(e.value() instanceof YNode.YScalar s && s.text() == null);
  }

  Optional<YNode> node(String key) {
    return has(key) ? Optional.of(map.entries().get(key).value()) : Optional.empty();
  }

  void error(String key, String message) {
    errors.add(locationOf(key), qualified(key) + ": " + message);
  }

  String qualified(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A scalar's text; lists and mappings are reported. */
  Optional<String> text(String key) {
    Optional<YNode> n = node(key);
    if (n.isEmpty()) {
      return Optional.empty();
    }
    if (n.get() instanceof YNode.YScalar s) {
      return Optional.of(s.text());
    }
    error(key, "expected a single value, got " + YNode.describe(n.get()));
    return Optional.empty();
  }

  /** A typed scalar: {@code parse} throws IllegalArgumentException with the message to report. */
  <T> Optional<T> typed(String key, Function<String, T> parse) {
    Optional<String> t = text(key);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(t.get()));
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return Optional.empty();
    }
  }

  String string(String key, String dflt) {
    return text(key).orElse(dflt);
  }

  /** A string that, when present, must not be empty. */
  Optional<String> optString(String key) {
    return text(key).filter(s -> !s.isEmpty());
  }

  boolean bool(String key, boolean dflt) {
    return typed(key, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
    }).orElse(dflt);
  }

  int integer(String key, int dflt, int min, int max) {
    return typed(key, s -> {
      long v;
      try {
        v = Long.parseLong(s.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(v + " is out of range " + min + ".." + max);
      }
      return (int) v;
    }).orElse(dflt);
  }

  long size(String key, long dflt) {
    return typed(key, Values::size).orElse(dflt);
  }

  Duration duration(String key, Duration dflt) {
    return typed(key, Values::duration).orElse(dflt);
  }

  Optional<Rate> rate(String key) {
    return typed(key, Values::rate);
  }

  HostPort hostPort(String key, String defaultHost, HostPort dflt) {
    return typed(key, s -> HostPort.parse(s, defaultHost)).orElse(dflt);
  }

  /** An enum by its lower-case name; the error lists the accepted names. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
    return typed(key, s -> {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(s.replace('-', '_'))) {
          return e;
        }
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException("unknown value '" + s + "', expected one of "
          + String.join(", ", names) + Suggest.hint(s.toLowerCase(Locale.ROOT), names));
    }).orElse(dflt);
  }

  /** A list of strings; a scalar is split at commas (so {@code ${DOMAINS}} can hold a list). */
  List<String> strings(String key, List<String> dflt) {
    Optional<YNode> n = node(key);
    if (n.isEmpty()) {
      return dflt;
    }
    List<String> out = new ArrayList<>();
    if (n.get() instanceof YNode.YScalar s) {
      for (String part : s.text().split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return List.copyOf(out);
    }
    if (n.get() instanceof YNode.YList l) {
      for (YNode item : l.items()) {
        if (item instanceof YNode.YScalar s && s.text() != null) {
          out.add(s.text().strip());
        } else {
          errors.add(item.location(), qualified(key) + ": expected a string, got "
              + YNode.describe(item));
        }
      }
      return List.copyOf(out);
    }
    error(key, "expected a list, got " + YNode.describe(n.get()));
    return dflt;
  }

  List<Cidr> networks(String key, List<Cidr> dflt) {
    if (!has(key)) {
      return dflt;
    }
    List<Cidr> out = new ArrayList<>();
    for (String s : strings(key, List.of())) {
      try {
        out.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        error(key, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** A nested mapping; absent means empty. */
  Section section(String key) {
    Optional<YNode> n = node(key);
    return n.map(v -> Section.of(v, errors, qualified(key)))
        .orElseGet(() -> Section.of(new YNode.YMap(location(), Map.of()), errors, qualified(key)));
  }

  /** A list's items; a non-list is reported and read as empty. */
  List<YNode> list(String key) {
    Optional<YNode> n = node(key);
    if (n.isEmpty()) {
      return List.of();
    }
    if (n.get() instanceof YNode.YList l) {
      return l.items();
    }
    error(key, "expected a list, got " + YNode.describe(n.get()));
    return List.of();
  }

  /** The raw entries, for mappings whose keys are names (static lookup entries, aliases). */
  Map<String, YNode.Entry> entries() {
    return map.entries();
  }

  /** Accepts every key (used when the entries are names, not fields). */
  void acceptAll() {
    known.addAll(map.entries().keySet());
  }

  /** Reports every key that no accessor asked for. */
  void finish() {
    for (YNode.Entry e : map.entries().values()) {
      if (!known.contains(e.key())) {
        errors.add(e.keyLocation(), "unknown key '" + qualified(e.key()) + "'"
            + Suggest.hint(e.key(), known));
      }
    }
  }
}
