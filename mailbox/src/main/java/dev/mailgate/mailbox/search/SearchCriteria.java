package dev.mailgate.mailbox.search;

import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.time.LocalDate;
import java.util.List;

/**
 * A SEARCH criteria tree (the search-key semantics of RFC 3501 section 6.4.4, RFC 9051 section
 * 6.4.4 and MODSEQ of RFC 7162 section 3.1.5), free of IMAP syntax: the IMAP session maps its parsed
 * keys onto these nodes. Keys without a node map as follows: ANSWERED, DELETED, DRAFT, FLAGGED,
 * SEEN and their UN- forms to {@link HasFlag}; KEYWORD/UNKEYWORD to {@link HasKeyword}; FROM, TO,
 * CC, BCC to {@link Address}; SUBJECT to {@link Header}; NEW, OLD, RECENT (per-session \Recent) to {@link Uids} of the
 * session's recent set; a top-level list to {@link And}.
 */
public sealed interface SearchCriteria {
  /** Most nodes one tree may have ({@link SearchEvaluator} refuses bigger trees). */
  int MAX_NODES = 1000;
  /** Longest search string. */
  int MAX_STRING = 1000;

  /** Date comparisons on dates only, "disregarding time and timezone" (RFC 3501). */
  enum DateOp {
    BEFORE,
    ON,
    SINCE
  }

  record All() implements SearchCriteria {}

  /** Message sequence numbers, already resolved by the session (it knows "*"). */
  record Sequences(UidSet numbers) implements SearchCriteria {}

  record Uids(UidSet uids) implements SearchCriteria {}

  record HasFlag(SystemFlag flag, boolean set) implements SearchCriteria {}

  record HasKeyword(String keyword, boolean set) implements SearchCriteria {}

  /** RFC822.SIZE strictly larger than {@code size}. */
  record Larger(long size) implements SearchCriteria {}

  /** RFC822.SIZE strictly smaller than {@code size}. */
  record Smaller(long size) implements SearchCriteria {}

  /** BEFORE, ON, SINCE: on INTERNALDATE. */
  record Internal(DateOp op, LocalDate date) implements SearchCriteria {}

  /**
   * SENTBEFORE, SENTON, SENTSINCE: on the Date: header's day; a message without a parseable one is
   * compared by its internal date (RFC 5256 section 2.2's sent date).
   */
  record Sent(DateOp op, LocalDate date) implements SearchCriteria {}

  /** HEADER name string: the field exists and its (RFC 2047 decoded) value contains the string. */
  record Header(String name, String contains) implements SearchCriteria {
    public Header {
      checkString(contains);
    }
  }

  /**
   * FROM, TO, CC, BCC: an address of the field, as written out by {@link
   * dev.mailgate.mailbox.mime.SearchableAddresses} (comments dropped, names decoded), contains
   * the string. Unlike {@code HEADER FROM}, which compares the raw field.
   */
  record Address(String field, String contains) implements SearchCriteria {
    public Address {
      checkString(contains);
    }
  }

  /** BODY: the decoded text of the body's text parts contains the string. */
  record Body(String contains) implements SearchCriteria {
    public Body {
      checkString(contains);
    }
  }

  /** TEXT: the header or the body contains the string. */
  record Text(String contains) implements SearchCriteria {
    public Text {
      checkString(contains);
    }
  }

  /** MODSEQ n: messages whose MODSEQ is at least n. */
  record ModSeqAtLeast(long modSeq) implements SearchCriteria {}

  record And(List<SearchCriteria> all) implements SearchCriteria {
    public And {
      all = List.copyOf(all);
    }
  }

  record Or(SearchCriteria left, SearchCriteria right) implements SearchCriteria {}

  record Not(SearchCriteria criteria) implements SearchCriteria {}

  static SearchCriteria from(String s) {
    return new Address("From", s);
  }

  static SearchCriteria to(String s) {
    return new Address("To", s);
  }

  static SearchCriteria cc(String s) {
    return new Address("Cc", s);
  }

  static SearchCriteria bcc(String s) {
    return new Address("Bcc", s);
  }

  static SearchCriteria subject(String s) {
    return new Header("Subject", s);
  }

  static SearchCriteria and(SearchCriteria... all) {
    return new And(List.of(all));
  }

  private static void checkString(String s) {
    if (s.length() > MAX_STRING) {
      throw new IllegalArgumentException("search string longer than " + MAX_STRING);
    }
  }

  /** True if evaluating needs the message's header or body (not only index metadata). */
  default boolean needsContent() {
    if (this instanceof Header || this instanceof Address || this instanceof Body
        || this instanceof Text) {
      return true;
    }
    if (this instanceof And a) {
      return a.all.stream().anyMatch(SearchCriteria::needsContent);
    }
    if (this instanceof Or o) {
      return o.left.needsContent() || o.right.needsContent();
    }
    return this instanceof Not n && n.criteria.needsContent();
  }

  /** Number of nodes in the tree. */
  default int nodeCount() {
    if (this instanceof And a) {
      return 1 + a.all.stream().mapToInt(SearchCriteria::nodeCount).sum();
    }
    if (this instanceof Or o) {
      return 1 + o.left.nodeCount() + o.right.nodeCount();
    }
    if (this instanceof Not n) {
      return 1 + n.criteria.nodeCount();
    }
    return 1;
  }
}
