package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flag names on the wire (RFC 3501 section 2.3.2) to and from the store's {@link Flags}. {@code
 * \Recent} is session state, never stored: it is dropped from STORE and APPEND flag lists.
 */
final class FlagNames {
  /** FLAGS of SELECT (RFC 3501 section 7.2.6). */
  static final List<String> SYSTEM =
      List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");

  private FlagNames() {}

  static String name(SystemFlag f) {
    return switch (f) {
      case SEEN -> "\\Seen";
      case ANSWERED -> "\\Answered";
      case FLAGGED -> "\\Flagged";
      case DELETED -> "\\Deleted";
      case DRAFT -> "\\Draft";
    };
  }

  /** Parses a flag list; throws IllegalArgumentException for an unknown system flag. */
  static Flags parse(List<String> names) {
    EnumSet<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    Set<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String n : names) {
      if (n.startsWith("\\")) {
        switch (n.toLowerCase(Locale.ROOT)) {
          case "\\seen" -> system.add(SystemFlag.SEEN);
          case "\\answered" -> system.add(SystemFlag.ANSWERED);
          case "\\flagged" -> system.add(SystemFlag.FLAGGED);
          case "\\deleted" -> system.add(SystemFlag.DELETED);
          case "\\draft" -> system.add(SystemFlag.DRAFT);
          case "\\recent" -> { } // session state, not stored (RFC 3501 section 2.3.2)
          default -> throw new IllegalArgumentException("unknown system flag " + n);
        }
      } else {
        keywords.add(n);
      }
    }
    return new Flags(system, keywords);
  }

  /** The flag names of a message, with \Recent when the session reports it. */
  static List<String> names(Flags flags, boolean recent) {
    List<String> out = new ArrayList<>(flags.system().size() + flags.keywords().size() + 1);
    for (SystemFlag f : flags.system()) {
      out.add(name(f));
    }
    if (recent) {
      out.add("\\Recent");
    }
    out.addAll(flags.keywords());
    return out;
  }

  /** {@code (\Seen $Label)}. */
  static String list(Flags flags, boolean recent) {
    return "(" + String.join(" ", names(flags, recent)) + ")";
  }
}
