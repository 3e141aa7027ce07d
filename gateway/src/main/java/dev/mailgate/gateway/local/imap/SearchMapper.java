package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.SearchKey;
import dev.mailgate.codec.imap.SequenceSet;
import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.search.SearchCriteria.DateOp;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the codec's SEARCH key tree (RFC 3501 section 6.4.4) onto the store's {@link
 * SearchCriteria}: flags to {@code HasFlag}, FROM/TO/CC/BCC to {@code Address}, SUBJECT to
 * {@code Header}, message numbers and UIDs resolved against the session's view ({@code *} is the last one, {@code $} the
 * saved result of RFC 5182), and NEW / OLD / RECENT against the session's \Recent set. OLDER /
 * YOUNGER (RFC 5032, not advertised) are refused.
 */
final class SearchMapper {
  private final SelectedMailbox view;
  boolean usedModSeq;

  SearchMapper(SelectedMailbox view) {
    this.view = view;
  }

  SearchCriteria map(SearchKey key) {
    if (key instanceof SearchKey.And a) {
      List<SearchCriteria> all = new ArrayList<>(a.keys().size());
      for (SearchKey k : a.keys()) {
        all.add(map(k));
      }
      return all.size() == 1 ? all.get(0) : new SearchCriteria.And(all);
    }
    if (key instanceof SearchKey.Or o) {
      return new SearchCriteria.Or(map(o.left()), map(o.right()));
    }
    if (key instanceof SearchKey.Not n) {
      return new SearchCriteria.Not(map(n.key()));
    }
    if (key instanceof SearchKey.FlagKey f) {
      return flag(f.flag());
    }
    if (key instanceof SearchKey.StringKey s) {
      return switch (s.field()) {
        case BCC -> SearchCriteria.bcc(s.value());
        case CC -> SearchCriteria.cc(s.value());
        case FROM -> SearchCriteria.from(s.value());
        case TO -> SearchCriteria.to(s.value());
        case SUBJECT -> SearchCriteria.subject(s.value());
        case BODY -> new SearchCriteria.Body(s.value());
        case TEXT -> new SearchCriteria.Text(s.value());
      };
    }
    if (key instanceof SearchKey.Header h) {
      return new SearchCriteria.Header(h.field(), h.value());
    }
    if (key instanceof SearchKey.Keyword k) {
      return new SearchCriteria.HasKeyword(k.keyword(), !k.negated());
    }
    if (key instanceof SearchKey.DateKey d) {
      return switch (d.field()) {
        case BEFORE -> new SearchCriteria.Internal(DateOp.BEFORE, d.date());
        case ON -> new SearchCriteria.Internal(DateOp.ON, d.date());
        case SINCE -> new SearchCriteria.Internal(DateOp.SINCE, d.date());
        case SENTBEFORE -> new SearchCriteria.Sent(DateOp.BEFORE, d.date());
        case SENTON -> new SearchCriteria.Sent(DateOp.ON, d.date());
        case SENTSINCE -> new SearchCriteria.Sent(DateOp.SINCE, d.date());
      };
    }
    if (key instanceof SearchKey.Size s) {
      return s.larger() ? new SearchCriteria.Larger(s.octets()) : new SearchCriteria.Smaller(s.octets());
    }
    if (key instanceof SearchKey.Uid u) {
      return new SearchCriteria.Uids(uids(MessageSets.resolve(view, u.set(), true)));
    }
    if (key instanceof SearchKey.Sequence s) {
      return new SearchCriteria.Uids(uids(sequences(s.set())));
    }
    if (key instanceof SearchKey.ModSeq m) {
      usedModSeq = true;
      return new SearchCriteria.ModSeqAtLeast(m.modSeq());
    }
    throw new IllegalArgumentException("Search key not supported");
  }

  private SearchCriteria flag(SearchKey.Flag f) {
    return switch (f) {
      case ALL -> new SearchCriteria.All();
      case ANSWERED -> new SearchCriteria.HasFlag(SystemFlag.ANSWERED, true);
      case DELETED -> new SearchCriteria.HasFlag(SystemFlag.DELETED, true);
      case DRAFT -> new SearchCriteria.HasFlag(SystemFlag.DRAFT, true);
      case FLAGGED -> new SearchCriteria.HasFlag(SystemFlag.FLAGGED, true);
      case SEEN -> new SearchCriteria.HasFlag(SystemFlag.SEEN, true);
      case UNANSWERED -> new SearchCriteria.HasFlag(SystemFlag.ANSWERED, false);
      case UNDELETED -> new SearchCriteria.HasFlag(SystemFlag.DELETED, false);
      case UNDRAFT -> new SearchCriteria.HasFlag(SystemFlag.DRAFT, false);
      case UNFLAGGED -> new SearchCriteria.HasFlag(SystemFlag.FLAGGED, false);
      case UNSEEN -> new SearchCriteria.HasFlag(SystemFlag.SEEN, false);
      case RECENT -> new SearchCriteria.Uids(recent());
      case OLD -> new SearchCriteria.Not(new SearchCriteria.Uids(recent()));
      case NEW -> new SearchCriteria.And(List.of(new SearchCriteria.Uids(recent()),
          new SearchCriteria.HasFlag(SystemFlag.SEEN, false)));
    };
  }

  private UidSet recent() {
    List<Long> r = new ArrayList<>();
    for (long uid : view.uids()) {
      if (view.isRecent(uid)) {
        r.add(uid);
      }
    }
    return uids(r.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * Message numbers to the UIDs they show; numbers beyond the mailbox match nothing; {@code $} is
   * the saved result (RFC 5182).
   */
  private long[] sequences(SequenceSet set) {
    if (set.saved()) {
      return view.saved();
    }
    int count = view.count();
    boolean[] picked = new boolean[count];
    for (int i = 0; i < set.rangeCount(); i++) {
      long a = set.low(i) == SequenceSet.STAR ? count : set.low(i);
      long b = set.high(i) == SequenceSet.STAR ? count : set.high(i);
      for (long m = Math.max(1, Math.min(a, b)); m <= Math.min(count, Math.max(a, b)); m++) {
        picked[(int) m - 1] = true;
      }
    }
    List<Long> out = new ArrayList<>();
    for (int m = 1; m <= count; m++) {
      if (picked[m - 1]) {
        out.add(view.uid(m));
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** A UidSet of ascending UIDs; more ranges than the store allows are refused. */
  private static UidSet uids(long[] ascending) {
    List<UidSet> chunks = MessageSets.chunks(ascending);
    if (chunks.isEmpty()) {
      return new UidSet(List.of());
    }
    if (chunks.size() > 1) {
      throw new IllegalArgumentException("Message set too scattered");
    }
    return chunks.get(0);
  }
}
