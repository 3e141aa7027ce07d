package dev.mailgate.mailbox.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * BODY[HEADER.FIELDS (...)] and BODY[HEADER.FIELDS.NOT (...)] (RFC 3501 section 6.4.5): selects
 * whole fields (with their folded continuation lines, byte for byte) from a header block fetched
 * by range ({@link MessageStructure#header}), and ends the result with the blank line. Field names
 * compare case-insensitively.
 */
public final class HeaderFields {
  private HeaderFields() {}

  /**
   * @param header the raw header block, blank line included
   * @param names field names to keep (or, with {@code not}, to drop), any case
   */
  public static byte[] select(byte[] header, Set<String> names, boolean not) {
    Set<String> lower = new java.util.HashSet<>();
    for (String n : names) {
      lower.add(n.toLowerCase(Locale.ROOT));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length);
    int i = 0;
    boolean keep = false;
    while (i < header.length) {
      int end = i;
      while (end < header.length && header[end] != '\n') {
        end++;
      }
      int next = Math.min(header.length, end + 1);
      int contentEnd = end > i && header[end - 1] == '\r' ? end - 1 : end;
      if (contentEnd == i) {
        break; // the blank line ends the header
      }
      if (header[i] != ' ' && header[i] != '\t') {
        int colon = i;
        while (colon < contentEnd && header[colon] != ':') {
          colon++;
        }
        String name = new String(header, i, colon - i, StandardCharsets.ISO_8859_1).strip()
            .toLowerCase(Locale.ROOT);
        keep = colon < contentEnd && lower.contains(name) != not;
      }
      if (keep) {
        out.write(header, i, next - i);
      }
      i = next;
    }
    out.writeBytes(new byte[] {'\r', '\n'});
    return out.toByteArray();
  }
}
