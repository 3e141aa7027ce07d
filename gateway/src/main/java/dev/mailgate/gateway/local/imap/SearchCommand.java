package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.search.SequenceView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * SEARCH / UID SEARCH (RFC 3501 section 6.4.4) over the store's evaluator, with any CHARSET Java
 * knows (others: {@code NO [BADCHARSET]}), the MODSEQ criterion and its response data (RFC 7162
 * section 3.1.5), ESEARCH RETURN (MIN MAX COUNT ALL) of RFC 4731 and SAVE of RFC 5182 (SEARCHRES:
 * the result kept in the {@link SelectedMailbox} for {@code $}). After ENABLE UTF8=ACCEPT a CHARSET
 * is refused with BAD (RFC 6855 section 3). Results are streamed from the evaluator and kept as one
 * list of numbers (bounded by the mailbox size).
 */
final class SearchCommand {
  private static final long[] NONE = new long[0];
  private final ImapSession session;

  SearchCommand(ImapSession session) {
    this.session = session;
  }

  Mono<Void> search(ImapCommand.Search c) {
    SelectedMailbox v = session.selected;
    boolean save = c.returnOptions() != null && c.returnOptions().contains("SAVE");
    if (c.charset() != null) {
      if (session.utf8) {
        // RFC 6855 section 3 (errata 4029): after ENABLE UTF8=ACCEPT strings are UTF-8 and a
        // charset label conflicts with that. A BAD leaves the saved result as it was.
        return session.tagged(c.tag(), ImapStatus.BAD, null, "CHARSET not allowed after ENABLE UTF8=ACCEPT");
      }
      if (unknownCharset(c.charset())) {
        if (save) {
          v.save(NONE); // a NO empties the search result variable (RFC 5182 section 2.1)
        }
        return badCharset(session, c.tag());
      }
    }
    SearchMapper mapper = new SearchMapper(v);
    // Resolves $ before the variable is replaced: SEARCH RETURN (SAVE) $ UNSEEN narrows the last result.
    SearchCriteria criteria = mapper.map(c.key());
    Mono<Void> enabled = mapper.usedModSeq ? session.enableCondStore() : Mono.empty();
    if (save) {
      v.save(NONE); // stays empty if the store fails the search (a NO)
    }
    long[] shown = v.uids();
    return enabled.then(session.server.searcher().search(v.id, criteria, SequenceView.of(shown))
        .filter(uid -> v.msn(uid) > 0)
        .collectList())
        .flatMap(uids -> {
          List<Long> numbers = new ArrayList<>(uids.size());
          Map<Long, Long> modSeqs = new HashMap<>();
          long highest = 0;
          for (Long uid : uids) {
            int msn = v.msn(uid);
            long number = c.uid() ? uid : (long) msn;
            numbers.add(number);
            modSeqs.put(number, v.modSeq(msn));
            highest = Math.max(highest, v.modSeq(msn));
          }
          if (save) {
            v.save(saved(c.returnOptions(), uids));
          }
          if (c.returnOptions() != null && onlySave(c.returnOptions())) {
            return Mono.<Void>empty(); // RETURN (SAVE) alone: the tagged OK is the whole answer
          }
          String line = c.returnOptions() == null
              ? plain(numbers, mapper.usedModSeq && !numbers.isEmpty() ? highest : 0)
              : extended(c, numbers, mapper.usedModSeq ? modSeqs : Map.of());
          return session.send(List.of(ChangeReporter.line(session.alloc, line)));
        })
        .then(Mono.defer(() -> session.complete(c.tag(), null, "SEARCH completed", c.uid())));
  }

  /**
   * Whether a CHARSET (of SEARCH, SORT or THREAD) is one the strings cannot be searched in: the
   * codec decoded them with any charset Java knows.
   */
  static boolean unknownCharset(String charset) {
    return ImapCommand.Search.knownCharset(charset).isEmpty();
  }

  /** {@code NO [BADCHARSET (...)]} (RFC 3501 section 7.1, RFC 5256 section 3). */
  static Mono<Void> badCharset(ImapSession session, String tag) {
    return session.tagged(tag, ImapStatus.NO, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")),
        "Unsupported charset");
  }

  private static boolean onlySave(List<String> options) {
    return !options.isEmpty() && options.stream().allMatch("SAVE"::equals);
  }

  /**
   * What SAVE keeps (RFC 5182 section 2.4): only the minimum and/or maximum when MIN and/or MAX are
   * the sole other options, else every message found.
   */
  private static long[] saved(List<String> options, List<Long> uids) {
    long[] all = uids.stream().mapToLong(Long::longValue).sorted().toArray();
    boolean min = options.contains("MIN");
    boolean max = options.contains("MAX");
    boolean others = options.stream().anyMatch(o -> !o.equals("SAVE") && !o.equals("MIN") && !o.equals("MAX"));
    if (all.length == 0 || others || (!min && !max)) {
      return all;
    }
    if (min && max && all.length > 1) {
      return new long[] {all[0], all[all.length - 1]};
    }
    return new long[] {min ? all[0] : all[all.length - 1]};
  }

  private static String plain(List<Long> numbers, long highest) {
    StringBuilder sb = new StringBuilder("* SEARCH");
    for (Long n : numbers) {
      sb.append(' ').append(n);
    }
    if (highest > 0) {
      sb.append(" (MODSEQ ").append(highest).append(')');
    }
    return sb.toString();
  }

  /**
   * {@code * ESEARCH (TAG "t") UID MIN 1 MAX 9 COUNT 3 ALL 1,5,9} (RFC 4731 section 3.1), with
   * MODSEQ when the search used one ({@code modSeqs} by returned number, else empty).
   */
  private static String extended(ImapCommand.Search c, List<Long> numbers, Map<Long, Long> modSeqs) {
    List<String> opts = c.returnOptions().isEmpty() ? List.of("ALL") : c.returnOptions();
    StringBuilder sb = new StringBuilder("* ESEARCH (TAG \"").append(c.tag()).append("\")");
    if (c.uid()) {
      sb.append(" UID");
    }
    List<Long> sorted = new ArrayList<>(numbers);
    sorted.sort(null);
    if (opts.contains("MIN") && !sorted.isEmpty()) {
      sb.append(" MIN ").append(sorted.get(0));
    }
    if (opts.contains("MAX") && !sorted.isEmpty()) {
      sb.append(" MAX ").append(sorted.get(sorted.size() - 1));
    }
    if (opts.contains("COUNT")) {
      sb.append(" COUNT ").append(sorted.size());
    }
    if (opts.contains("ALL") && !sorted.isEmpty()) {
      sb.append(" ALL ").append(MessageSets.compact(sorted));
    }
    long highest = modSeqs.isEmpty() || sorted.isEmpty() ? 0 : highestReturned(opts, sorted, modSeqs);
    if (highest > 0) {
      sb.append(" MODSEQ ").append(highest);
    }
    return sb.toString();
  }

  /**
   * RFC 4731 section 3.2: with ALL or COUNT the MODSEQ is the highest of every message found; with
   * only MIN and/or MAX it is the highest of the message(s) those return, not of the whole result.
   */
  private static long highestReturned(List<String> opts, List<Long> sorted, Map<Long, Long> modSeqs) {
    if (opts.contains("ALL") || opts.contains("COUNT")) {
      return sorted.stream().mapToLong(modSeqs::get).max().orElse(0);
    }
    long highest = 0;
    if (opts.contains("MIN")) {
      highest = modSeqs.get(sorted.get(0));
    }
    if (opts.contains("MAX")) {
      highest = Math.max(highest, modSeqs.get(sorted.get(sorted.size() - 1)));
    }
    return highest;
  }
}
