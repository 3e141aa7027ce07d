package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.FetchItem;
import dev.mailgate.codec.imap.FetchItem.Section;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import dev.mailgate.mailbox.mime.BodyPart;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.store.ByteRange;
import java.util.Optional;

/**
 * Where a BODY[section] (RFC 3501 section 6.4.5) lies in the stored message, from the part offsets
 * the store cached, and how the response names it. A section that addresses no part is an empty
 * string; HEADER / TEXT of a part that is not message/rfc822 too.
 */
final class BodySections {
  private BodySections() {}

  /** The bytes a section addresses (before any partial), or empty when the part does not exist. */
  static Optional<ByteRange> range(MessageStructure s, Section section) {
    int[] path = section.part().stream().mapToInt(Integer::intValue).toArray();
    if (path.length == 0) {
      return Optional.of(switch (section.text()) {
        case NONE -> new ByteRange(0, s.size());
        case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT -> s.header();
        case TEXT -> s.text();
        case MIME -> new ByteRange(0, 0);
      });
    }
    Optional<BodyPart> part = s.part(path);
    if (part.isEmpty()) {
      return Optional.empty();
    }
    BodyPart p = part.get();
    return switch (section.text()) {
      case NONE -> Optional.of(MessageStructure.content(p));
      case MIME -> Optional.of(MessageStructure.mime(p));
      case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT ->
          p.isMessage() ? Optional.of(MessageStructure.header(p)) : Optional.empty();
      case TEXT -> p.isMessage() ? Optional.of(MessageStructure.text(p)) : Optional.empty();
    };
  }

  /** The partial window of a range, clipped (RFC 3501: a start past the end gives ""). */
  static ByteRange partial(ByteRange r, FetchItem.Partial partial) {
    return partial == null ? r : r.slice(partial.offset(), partial.length());
  }

  /** {@code BODY[1.2.HEADER.FIELDS (DATE FROM)]<0>} as the response names it. */
  static String name(FetchItem.BodySection b) {
    StringBuilder sb = new StringBuilder("BODY[").append(spec(b.section())).append(']');
    if (b.partial() != null) {
      sb.append('<').append(b.partial().offset()).append('>');
    }
    return sb.toString();
  }

  static String spec(Section s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.part().size(); i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(s.part().get(i));
    }
    if (s.text() != SectionText.NONE) {
      if (!s.part().isEmpty()) {
        sb.append('.');
      }
      sb.append(switch (s.text()) {
        case HEADER -> "HEADER";
        case HEADER_FIELDS -> "HEADER.FIELDS";
        case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
        case TEXT -> "TEXT";
        case MIME -> "MIME";
        case NONE -> "";
      });
      if (s.text() == SectionText.HEADER_FIELDS || s.text() == SectionText.HEADER_FIELDS_NOT) {
        sb.append(" (").append(String.join(" ", s.headerFields())).append(')');
      }
    }
    return sb.toString();
  }
}
