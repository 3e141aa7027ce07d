package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.search.SequenceView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Mono;

/**
 * SEARCH / UID SEARCH (RFC 3501 section 6.4.4) over the store's evaluator, with CHARSET UTF-8 or
 * US-ASCII (others: {@code NO [BADCHARSET]}), the MODSEQ criterion and its response data (RFC 7162
 * section 3.1.5), and ESEARCH RETURN (MIN MAX COUNT ALL) of RFC 4731. Results are streamed from
 * the evaluator and kept as one list of numbers (bounded by the mailbox size).
 */
final class SearchCommand {
  private final ImapSession session;

  SearchCommand(ImapSession session) {
    this.session = session;
  }

  Mono<Void> search(ImapCommand.Search c) {
    if (c.charset() != null) {
      String cs = c.charset().toUpperCase(Locale.ROOT);
      if (!cs.equals("UTF-8") && !cs.equals("US-ASCII")) {
        return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")),
            "Unsupported charset");
      }
    }
    if (c.returnOptions() != null && c.returnOptions().contains("SAVE")) {
      return session.tagged(c.tag(), ImapStatus.BAD, null, "SEARCHRES is not supported");
    }
    SelectedMailbox v = session.selected;
    SearchMapper mapper = new SearchMapper(v);
    SearchCriteria criteria = mapper.map(c.key());
    if (mapper.usedModSeq) {
      session.condStore = true;
    }
    long[] shown = v.uids();
    return session.server.searcher().search(v.id, criteria, SequenceView.of(shown))
        .filter(uid -> v.msn(uid) > 0)
        .collectList()
        .flatMap(uids -> {
          List<Long> numbers = new ArrayList<>(uids.size());
          long highest = 0;
          for (Long uid : uids) {
            int msn = v.msn(uid);
            numbers.add(c.uid() ? uid : (long) msn);
            highest = Math.max(highest, v.modSeq(msn));
          }
          String line = c.returnOptions() == null
              ? plain(numbers, mapper.usedModSeq && !numbers.isEmpty() ? highest : 0)
              : extended(c, numbers, mapper.usedModSeq ? highest : 0);
          return session.send(List.of(ChangeReporter.line(session.alloc, line)));
        })
        .then(Mono.defer(() -> session.complete(c.tag(), null, "SEARCH completed", c.uid())));
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

  /** {@code * ESEARCH (TAG "t") UID MIN 1 MAX 9 COUNT 3 ALL 1,5,9} (RFC 4731 section 3.1). */
  private static String extended(ImapCommand.Search c, List<Long> numbers, long highest) {
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
    if (highest > 0 && !sorted.isEmpty()) {
      sb.append(" MODSEQ ").append(highest);
    }
    return sb.toString();
  }
}
