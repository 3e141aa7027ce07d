package dev.mailgate.gateway.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * What a case actually saw (the server's reply, a count), for the "observed" column of {@code
 * docs/reliability.md}. Tests take it as a parameter; {@link ReliabilityReport} resolves it.
 */
final class Observed {
  private final List<String> notes = new ArrayList<>();

  /** Records one observation; returns it, so a reply can be asserted and recorded in one line. */
  String saw(String what) {
    // the document shows printable ASCII only: junk bytes a server echoes become '?'
    notes.add(what.replaceAll("[^\\x20-\\x7e]", "?"));
    return what;
  }

  String text() {
    return String.join("; ", notes);
  }
}
