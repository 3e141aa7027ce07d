package dev.mailgate.codec.imap;

import java.util.List;

/**
 * A FETCH data item (RFC 3501 section 6.4.5, RFC 9051 section 6.4.5, BINARY RFC 3516, MODSEQ RFC
 * 7162). The macros ALL, FAST and FULL are expanded by the parser into their items.
 */
public sealed interface FetchItem {
  /** Items without a section. */
  enum Attribute {
    ENVELOPE("ENVELOPE"), FLAGS("FLAGS"), INTERNALDATE("INTERNALDATE"), RFC822("RFC822"),
    RFC822_HEADER("RFC822.HEADER"), RFC822_SIZE("RFC822.SIZE"), RFC822_TEXT("RFC822.TEXT"),
    BODY("BODY"), BODYSTRUCTURE("BODYSTRUCTURE"), UID("UID"), MODSEQ("MODSEQ"),
    SAVEDATE("SAVEDATE"), EMAILID("EMAILID"), THREADID("THREADID");

    private final String wire;

    Attribute(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** What a section names after its part number (RFC 9051 {@code section-msgtext}, MIME). */
  enum SectionText { NONE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

  record Simple(Attribute attribute) implements FetchItem {}

  /**
   * {@code <offset.length>}; or {@code <offset>}, everything from offset on ({@link #TO_END}), which
   * RFC 3501 has only in responses but Dovecot accepts in requests too, as imaptest's
   * fetch-binary-mime-qp sends it and IMAP URLs (RFC 5092 {@code ;PARTIAL=offset}) allow it.
   */
  record Partial(long offset, long length) {
    public static final long TO_END = Long.MAX_VALUE;
  }

  /**
   * A section spec: part numbers (empty for the whole message), what of it, and the header field
   * names for HEADER.FIELDS(.NOT).
   */
  record Section(List<Integer> part, SectionText text, List<String> headerFields) {
    public static final Section WHOLE = new Section(List.of(), SectionText.NONE, List.of());

    public Section {
      part = List.copyOf(part);
      headerFields = List.copyOf(headerFields);
    }
  }

  /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}; partial may be null. */
  record BodySection(Section section, boolean peek, Partial partial) implements FetchItem {}

  /**
   * {@code BINARY[section]<partial>} or {@code BINARY.PEEK[...]} (RFC 3516). RFC 3516 allows only
   * part numbers ({@code section-binary}); the section-text forms (HEADER, HEADER.FIELDS[.NOT],
   * MIME, TEXT) are accepted too because Dovecot accepts them and imaptest's fetch-binary-mime
   * sends them. Only a part's own body is content-transfer-decoded.
   */
  record Binary(Section section, boolean peek, Partial partial) implements FetchItem {}

  /** {@code BINARY.SIZE[section]}: the size of exactly what {@link Binary} would send. */
  record BinarySize(Section section) implements FetchItem {}
}
