package dev.mailgate.codec.imap;

import dev.mailgate.codec.imap.FetchItem.Attribute;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the FETCH item grammar (RFC 9051 section 9 {@code fetch-att}, {@code section}, {@code
 * partial}; RFC 3516 BINARY, with BODY's {@code section} as Dovecot accepts it).
 */
final class FetchItemParser {
  private enum Name {
    ALL("ALL"), FAST("FAST"), FULL("FULL"), ENVELOPE("ENVELOPE"), FLAGS("FLAGS"),
    INTERNALDATE("INTERNALDATE"), RFC822("RFC822"), RFC822_HEADER("RFC822.HEADER"),
    RFC822_SIZE("RFC822.SIZE"), RFC822_TEXT("RFC822.TEXT"), BODY("BODY"), BODY_PEEK("BODY.PEEK"),
    BODYSTRUCTURE("BODYSTRUCTURE"), UID("UID"), MODSEQ("MODSEQ"), BINARY("BINARY"),
    BINARY_PEEK("BINARY.PEEK"), BINARY_SIZE("BINARY.SIZE"), SAVEDATE("SAVEDATE"),
    EMAILID("EMAILID"), THREADID("THREADID");

    final String wire;

    Name(String wire) {
      this.wire = wire;
    }
  }

  private enum Text {
    HEADER("HEADER"), HEADER_FIELDS("HEADER.FIELDS"), HEADER_FIELDS_NOT("HEADER.FIELDS.NOT"),
    TEXT("TEXT"), MIME("MIME");

    final String wire;

    Text(String wire) {
      this.wire = wire;
    }
  }

  private static final Keywords<Name> NAMES = new Keywords<>(Name.class, n -> n.wire);
  private static final Keywords<Text> TEXTS = new Keywords<>(Text.class, t -> t.wire);

  private FetchItemParser() {}

  /** {@code "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"}. */
  static List<FetchItem> items(ImapReader r) {
    List<FetchItem> items = new ArrayList<>(4);
    if (r.peek() == '(') {
      r.open();
      item(r, items, false);
      while (r.trySp()) {
        item(r, items, false);
        r.checkCount(items.size());
      }
      r.close();
    } else {
      item(r, items, true);
    }
    return items;
  }

  private static void item(ImapReader r, List<FetchItem> out, boolean macroAllowed) {
    Name name = r.requireKeyword(NAMES, r.wordLength(), "fetch item");
    switch (name) {
      case ALL, FAST, FULL -> {
        if (!macroAllowed) {
          throw ImapReader.syntax("macro inside a list");
        }
        out.add(simple(Attribute.FLAGS));
        out.add(simple(Attribute.INTERNALDATE));
        out.add(simple(Attribute.RFC822_SIZE));
        if (name != Name.FAST) {
          out.add(simple(Attribute.ENVELOPE));
        }
        if (name == Name.FULL) {
          out.add(simple(Attribute.BODY));
        }
      }
      case ENVELOPE -> out.add(simple(Attribute.ENVELOPE));
      case FLAGS -> out.add(simple(Attribute.FLAGS));
      case INTERNALDATE -> out.add(simple(Attribute.INTERNALDATE));
      case RFC822 -> out.add(simple(Attribute.RFC822));
      case RFC822_HEADER -> out.add(simple(Attribute.RFC822_HEADER));
      case RFC822_SIZE -> out.add(simple(Attribute.RFC822_SIZE));
      case RFC822_TEXT -> out.add(simple(Attribute.RFC822_TEXT));
      case BODYSTRUCTURE -> out.add(simple(Attribute.BODYSTRUCTURE));
      case UID -> out.add(simple(Attribute.UID));
      case MODSEQ -> out.add(simple(Attribute.MODSEQ));
      case SAVEDATE -> out.add(simple(Attribute.SAVEDATE));
      case EMAILID -> out.add(simple(Attribute.EMAILID));
      case THREADID -> out.add(simple(Attribute.THREADID));
      case BODY -> {
        if (r.peek() == '[') {
          FetchItem.Section s = section(r);
          out.add(new FetchItem.BodySection(s, false, partial(r)));
        } else {
          out.add(simple(Attribute.BODY));
        }
      }
      case BODY_PEEK -> {
        FetchItem.Section s = section(r);
        out.add(new FetchItem.BodySection(s, true, partial(r)));
      }
      // BINARY takes BODY's section-spec, not only RFC 3516's section-binary: see FetchItem.Binary
      case BINARY, BINARY_PEEK -> {
        FetchItem.Section s = section(r);
        out.add(new FetchItem.Binary(s, name == Name.BINARY_PEEK, partial(r)));
      }
      case BINARY_SIZE -> out.add(new FetchItem.BinarySize(section(r)));
    }
  }

  private static FetchItem simple(Attribute a) {
    return new FetchItem.Simple(a);
  }

  /** section = "[" [section-spec] "]". */
  static FetchItem.Section section(ImapReader r) {
    r.expect('[');
    if (r.tryChar(']')) {
      return FetchItem.Section.WHOLE;
    }
    List<Integer> part = List.of();
    if (r.atDigit()) {
      part = part(r);
      if (r.tryChar(']')) {
        return new FetchItem.Section(part, SectionText.NONE, List.of());
      }
      r.expect('.');
    }
    Text text = r.requireKeyword(TEXTS, r.wordLength(), "section text");
    List<String> fields = List.of();
    SectionText kind;
    switch (text) {
      case HEADER -> kind = SectionText.HEADER;
      case TEXT -> kind = SectionText.TEXT;
      case MIME -> {
        if (part.isEmpty()) {
          throw ImapReader.syntax("MIME needs a part number");
        }
        kind = SectionText.MIME;
      }
      default -> {
        kind = text == Text.HEADER_FIELDS ? SectionText.HEADER_FIELDS : SectionText.HEADER_FIELDS_NOT;
        r.sp();
        fields = headerList(r);
      }
    }
    r.expect(']');
    return new FetchItem.Section(part, kind, fields);
  }

  private static List<String> headerList(ImapReader r) {
    r.open();
    List<String> fields = new ArrayList<>(4);
    fields.add(r.astring());
    while (r.trySp()) {
      fields.add(r.astring());
      r.checkCount(fields.size());
    }
    r.close();
    return fields;
  }

  /** section-part = nz-number *("." nz-number), stopping before "." followed by a letter. */
  private static List<Integer> part(ImapReader r) {
    List<Integer> part = new ArrayList<>(2);
    part.add((int) Math.min(Integer.MAX_VALUE, r.nzNumber()));
    while (r.peek() == '.' && r.peek(1) >= '0' && r.peek(1) <= '9') {
      r.expect('.');
      part.add((int) Math.min(Integer.MAX_VALUE, r.nzNumber()));
      r.checkCount(part.size());
    }
    return part;
  }

  /**
   * partial = "<" number "." nz-number ">", optional; also "<" number ">" for the rest of the
   * section, as Dovecot accepts ({@link FetchItem.Partial}). A zero length stays a syntax error.
   */
  private static FetchItem.Partial partial(ImapReader r) {
    if (!r.tryChar('<')) {
      return null;
    }
    long offset = r.number32();
    if (r.tryChar('>')) {
      return new FetchItem.Partial(offset, FetchItem.Partial.TO_END);
    }
    r.expect('.');
    long length = r.nzNumber();
    r.expect('>');
    return new FetchItem.Partial(offset, length);
  }
}
