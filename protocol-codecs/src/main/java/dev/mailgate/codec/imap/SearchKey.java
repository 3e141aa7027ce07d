package dev.mailgate.codec.imap;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A SEARCH criterion (RFC 3501 section 6.4.4, RFC 9051 section 6.4.4 and section 9 {@code
 * search-key}, MODSEQ of RFC 7162 section 3.1.5, OLDER/YOUNGER of RFC 5032). A search program is an
 * {@link And} of its top-level keys; parenthesised groups are {@link And}s too.
 */
public sealed interface SearchKey {
  /** Keys without arguments that test flags or the whole mailbox. */
  enum Flag { ALL, ANSWERED, DELETED, DRAFT, FLAGGED, NEW, OLD, RECENT, SEEN, UNANSWERED,
    UNDELETED, UNDRAFT, UNFLAGGED, UNSEEN }

  /** Keys that match a substring in a header field or in the text. */
  enum Field { BCC, BODY, CC, FROM, SUBJECT, TEXT, TO }

  /** Keys that compare the internal date ({@code BEFORE/ON/SINCE}) or the Date: header ({@code SENT*}). */
  enum DateField { BEFORE, ON, SINCE, SENTBEFORE, SENTON, SENTSINCE }

  record FlagKey(Flag flag) implements SearchKey {
    public FlagKey {
      Objects.requireNonNull(flag);
    }
  }

  record StringKey(Field field, String value) implements SearchKey {}

  /** {@code HEADER field value}. */
  record Header(String field, String value) implements SearchKey {}

  /** {@code KEYWORD k} or, when {@code negated}, {@code UNKEYWORD k}. */
  record Keyword(String keyword, boolean negated) implements SearchKey {}

  record DateKey(DateField field, LocalDate date) implements SearchKey {}

  /** {@code LARGER n} or {@code SMALLER n}. */
  record Size(boolean larger, long octets) implements SearchKey {}

  /** {@code OLDER n} or {@code YOUNGER n} seconds (RFC 5032). */
  record Within(boolean older, long seconds) implements SearchKey {}

  record Uid(SequenceSet set) implements SearchKey {}

  /** A bare sequence set (or {@code $}). */
  record Sequence(SequenceSet set) implements SearchKey {}

  /** {@code MODSEQ ["entry" type] n}; entry name and type are null when absent. */
  record ModSeq(String entryName, String entryType, long modSeq) implements SearchKey {}

  record Not(SearchKey key) implements SearchKey {}

  record Or(SearchKey left, SearchKey right) implements SearchKey {}

  record And(List<SearchKey> keys) implements SearchKey {
    public And {
      keys = List.copyOf(keys);
    }
  }
}
