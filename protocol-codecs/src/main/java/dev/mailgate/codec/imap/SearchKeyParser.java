package dev.mailgate.codec.imap;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code search-key} (RFC 9051 section 9) recursively, bounded by the nesting limit. */
final class SearchKeyParser {
  private enum Name {
    ALL, ANSWERED, BCC, BEFORE, BODY, CC, DELETED, DRAFT, FLAGGED, FROM, HEADER, KEYWORD, LARGER,
    MODSEQ, NEW, NOT, OLD, OLDER, ON, OR, RECENT, SEEN, SENTBEFORE, SENTON, SENTSINCE, SINCE,
    SMALLER, SUBJECT, TEXT, TO, UID, UNANSWERED, UNDELETED, UNDRAFT, UNFLAGGED, UNKEYWORD, UNSEEN,
    YOUNGER
  }

  private static final Keywords<Name> NAMES = new Keywords<>(Name.class, Enum::name);

  private SearchKeyParser() {}

  /**
   * One or more keys separated by SP until the end of the command or a closing parenthesis; the
   * strings to look for are text in {@code cs} (the command's CHARSET).
   */
  static SearchKey program(ImapReader r, Charset cs) {
    List<SearchKey> keys = new ArrayList<>(4);
    keys.add(key(r, cs));
    while (r.trySp()) {
      keys.add(key(r, cs));
      r.checkCount(keys.size());
    }
    return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
  }

  static SearchKey key(ImapReader r, Charset cs) {
    int c = r.peek();
    if (c == '(') {
      r.open();
      List<SearchKey> keys = new ArrayList<>(4);
      keys.add(key(r, cs));
      while (r.trySp()) {
        keys.add(key(r, cs));
        r.checkCount(keys.size());
      }
      r.close();
      return new SearchKey.And(keys);
    }
    if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
      return new SearchKey.Sequence(SequenceSet.parse(r));
    }
    Name name = r.requireKeyword(NAMES, r.atomLength(), "search key");
    return switch (name) {
      case ALL -> flag(SearchKey.Flag.ALL);
      case ANSWERED -> flag(SearchKey.Flag.ANSWERED);
      case DELETED -> flag(SearchKey.Flag.DELETED);
      case DRAFT -> flag(SearchKey.Flag.DRAFT);
      case FLAGGED -> flag(SearchKey.Flag.FLAGGED);
      case NEW -> flag(SearchKey.Flag.NEW);
      case OLD -> flag(SearchKey.Flag.OLD);
      case RECENT -> flag(SearchKey.Flag.RECENT);
      case SEEN -> flag(SearchKey.Flag.SEEN);
      case UNANSWERED -> flag(SearchKey.Flag.UNANSWERED);
      case UNDELETED -> flag(SearchKey.Flag.UNDELETED);
      case UNDRAFT -> flag(SearchKey.Flag.UNDRAFT);
      case UNFLAGGED -> flag(SearchKey.Flag.UNFLAGGED);
      case UNSEEN -> flag(SearchKey.Flag.UNSEEN);
      case BCC -> string(r, cs, SearchKey.Field.BCC);
      case BODY -> string(r, cs, SearchKey.Field.BODY);
      case CC -> string(r, cs, SearchKey.Field.CC);
      case FROM -> string(r, cs, SearchKey.Field.FROM);
      case SUBJECT -> string(r, cs, SearchKey.Field.SUBJECT);
      case TEXT -> string(r, cs, SearchKey.Field.TEXT);
      case TO -> string(r, cs, SearchKey.Field.TO);
      case BEFORE -> date(r, SearchKey.DateField.BEFORE);
      case ON -> date(r, SearchKey.DateField.ON);
      case SINCE -> date(r, SearchKey.DateField.SINCE);
      case SENTBEFORE -> date(r, SearchKey.DateField.SENTBEFORE);
      case SENTON -> date(r, SearchKey.DateField.SENTON);
      case SENTSINCE -> date(r, SearchKey.DateField.SENTSINCE);
      case HEADER -> {
        r.sp();
        String field = r.astring();
        r.sp();
        yield new SearchKey.Header(field, r.astring(cs));
      }
      case KEYWORD, UNKEYWORD -> {
        r.sp();
        yield new SearchKey.Keyword(r.atom(), name == Name.UNKEYWORD);
      }
      case LARGER, SMALLER -> {
        r.sp();
        yield new SearchKey.Size(name == Name.LARGER, r.number());
      }
      case OLDER, YOUNGER -> {
        r.sp();
        yield new SearchKey.Within(name == Name.OLDER, r.nzNumber());
      }
      case UID -> {
        r.sp();
        yield new SearchKey.Uid(SequenceSet.parse(r));
      }
      case NOT -> {
        r.sp();
        r.enter();
        SearchKey k = key(r, cs);
        r.leave();
        yield new SearchKey.Not(k);
      }
      case OR -> {
        r.sp();
        r.enter();
        SearchKey a = key(r, cs);
        r.sp();
        SearchKey b = key(r, cs);
        r.leave();
        yield new SearchKey.Or(a, b);
      }
      case MODSEQ -> modSeq(r);
    };
  }

  private static SearchKey modSeq(ImapReader r) {
    r.sp();
    String entry = null;
    String type = null;
    if (r.peek() == '"') {
      entry = r.quoted();
      r.sp();
      type = r.atom().toLowerCase(java.util.Locale.ROOT);
      if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) {
        throw ImapReader.syntax("bad MODSEQ entry type");
      }
      r.sp();
    }
    return new SearchKey.ModSeq(entry, type, r.number());
  }

  private static SearchKey flag(SearchKey.Flag f) {
    return new SearchKey.FlagKey(f);
  }

  private static SearchKey string(ImapReader r, Charset cs, SearchKey.Field f) {
    r.sp();
    return new SearchKey.StringKey(f, r.astring(cs));
  }

  private static SearchKey date(ImapReader r, SearchKey.DateField f) {
    r.sp();
    return new SearchKey.DateKey(f, ImapDates.date(r));
  }
}
