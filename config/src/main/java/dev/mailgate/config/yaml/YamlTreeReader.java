package dev.mailgate.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mailgate.config.ConfigError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads YAML text into a {@link YNode} tree with Jackson's streaming YAML parser, taking each
 * token's location from the parser. Duplicate keys are errors (YAML 1.2 forbids them and a silent
 * "last one wins" hides mistakes). Limits: {@link #MAX_DEPTH} nesting levels, and the text itself
 * is bounded by {@link dev.mailgate.config.ConfigLoader#MAX_FILE_SIZE}.
 */
public final class YamlTreeReader {
  public static final int MAX_DEPTH = 32;

  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private final String file;
  private final List<ConfigError> errors;

  private YamlTreeReader(String file, List<ConfigError> errors) {
    this.file = file;
    this.errors = errors;
  }

  /** The document's root node, or empty when the text is not YAML (errors say why). */
  public static Optional<YNode> read(String file, String text, List<ConfigError> errors) {
    YamlTreeReader r = new YamlTreeReader(file, errors);
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return Optional.of(new YNode.YMap(new Location(file, 1, 1), Map.of()));
      }
      return Optional.of(r.node(p, 0));
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String msg = e.getOriginalMessage();
      errors.add(new ConfigError(
          l == null ? new Location(file, 1, 1) : r.loc(l), "YAML syntax: " + firstLine(msg)));
      return Optional.empty();
    } catch (IOException e) {
      errors.add(new ConfigError(new Location(file, 1, 1), "cannot read: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private Location loc(JsonLocation l) {
    return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }

  private YNode node(JsonParser p, int depth) throws IOException {
    Location here = loc(p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, YNode.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Location keyLoc = loc(p.currentTokenLocation());
          p.nextToken();
          YNode value = node(p, depth + 1);
          if (entries.containsKey(key)) {
            errors.add(new ConfigError(keyLoc, "duplicate key '" + key + "' (first at line "
                + entries.get(key).keyLocation().line() + ")"));
          } else {
            entries.put(key, new YNode.Entry(key, keyLoc, value));
          }
        }
        return new YNode.YMap(here, entries);
      }
      case START_ARRAY -> {
        List<YNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p, depth + 1));
        }
        return new YNode.YList(here, items);
      }
      case VALUE_NULL -> {
        return new YNode.YScalar(here, null);
      }
      default -> {
        return new YNode.YScalar(here, p.getText());
      }
    }
  }
}
