package dev.mailgate.mailbox.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fields of one header block, unfolded (RFC 5322 section 2.2.3), decoded as UTF-8 (RFC 6532)
 * but otherwise raw. Bounded by the caller: it only ever sees the kept bytes of a header.
 */
public final class HeaderBlock {
  /** One field: lower-cased name and unfolded raw value. */
  public record Field(String name, String value) {}

  private final List<Field> fields = new ArrayList<>();

  public HeaderBlock(byte[] raw, int length) {
    String text = new String(raw, 0, length, StandardCharsets.UTF_8);
    StringBuilder current = null;
    String name = null;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append(line);
        continue;
      }
      if (current != null) {
        fields.add(new Field(name, current.toString().strip()));
        current = null;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue; // not a field: RFC 5322 obsolete or broken syntax, ignored
      }
      name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      current = new StringBuilder(line.substring(colon + 1));
    }
    if (current != null) {
      fields.add(new Field(name, current.toString().strip()));
    }
  }

  /** Every field in order. */
  public List<Field> fields() {
    return List.copyOf(fields);
  }

  /** The first value of the field, or null. */
  String get(String lowerName) {
    for (Field f : fields) {
      if (f.name.equals(lowerName)) {
        return f.value;
      }
    }
    return null;
  }

  /** All values of the field joined by ", " (address fields may repeat in broken mail). */
  String all(String lowerName) {
    StringBuilder sb = null;
    for (Field f : fields) {
      if (f.name.equals(lowerName)) {
        if (sb == null) {
          sb = new StringBuilder(f.value);
        } else {
          sb.append(", ").append(f.value);
        }
      }
    }
    return sb == null ? null : sb.toString();
  }
}
