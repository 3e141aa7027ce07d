package dev.mailgate.codec.imap;

import dev.mailgate.codec.imap.ImapCommand.SortCriterion;
import dev.mailgate.codec.imap.ImapCommand.SortKey;
import dev.mailgate.codec.imap.ImapCommand.ThreadAlgorithm;
import java.util.ArrayList;
import java.util.List;

/**
 * SORT and THREAD (RFC 5256 section 4), with or without UID. The search criteria after the
 * mandatory charset are the SEARCH program ({@link SearchKeyParser}), decoded with that charset as
 * SEARCH does. The sort criteria are a list, bounded like any other by {@link
 * ImapLimits#maxListItems()}; an unknown sort key or threading algorithm is a syntax error (BAD,
 * as Dovecot answers).
 */
final class SortThreadParser {
  private static final Keywords<SortKey> KEYS = new Keywords<>(SortKey.class, Enum::name);
  private static final Keywords<ThreadAlgorithm> ALGORITHMS =
      new Keywords<>(ThreadAlgorithm.class, Enum::name);

  private SortThreadParser() {}

  /** sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria. */
  static ImapCommand sort(ImapReader r, String tag, boolean uid) {
    r.sp();
    r.open();
    List<SortCriterion> criteria = new ArrayList<>(2);
    do {
      boolean reverse = false;
      if (r.tryWord("REVERSE")) {
        r.sp();
        reverse = true;
      }
      criteria.add(new SortCriterion(r.requireKeyword(KEYS, r.atomLength(), "sort key"), reverse));
      r.checkCount(criteria.size());
    } while (r.trySp());
    r.close();
    r.sp();
    String charset = r.astring();
    r.sp();
    return new ImapCommand.Sort(tag, uid, List.copyOf(criteria), charset,
        SearchKeyParser.program(r, MessageCommandParser.searchCharset(charset)));
  }

  /** thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria. */
  static ImapCommand thread(ImapReader r, String tag, boolean uid) {
    r.sp();
    ThreadAlgorithm algorithm = r.requireKeyword(ALGORITHMS, r.atomLength(), "threading algorithm");
    r.sp();
    String charset = r.astring();
    r.sp();
    return new ImapCommand.Thread(tag, uid, algorithm, charset,
        SearchKeyParser.program(r, MessageCommandParser.searchCharset(charset)));
  }
}
