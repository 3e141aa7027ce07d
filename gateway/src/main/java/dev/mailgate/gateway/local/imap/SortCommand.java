package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.sort.MessageSorter;
import dev.mailgate.mailbox.sort.SortCriterion;
import dev.mailgate.mailbox.sort.SortFieldsReader;
import dev.mailgate.mailbox.sort.SortMessage;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * SORT / UID SORT (RFC 5256 section 3, with DISPLAYFROM / DISPLAYTO of RFC 5957): the messages
 * SEARCH's evaluator finds for the search program (with its CHARSET handling: a charset Java does
 * not know gets {@code NO [BADCHARSET]}), ordered by {@link MessageSorter} over the fields {@link
 * SortFieldsReader} takes from the index and the stored envelopes. With a MODSEQ criterion the
 * response carries the highest MODSEQ found, as SEARCH's does (RFC 7162 section 3.1.5). Bounded by
 * the mailbox: one small record per message found.
 */
final class SortCommand {
  private final ImapSession session;
  private final SortFieldsReader reader;

  SortCommand(ImapSession session) {
    this.session = session;
    this.reader = new SortFieldsReader(session.server.store());
  }

  Mono<Void> sort(ImapCommand.Sort c) {
    SelectedMailbox v = session.selected;
    if (SearchCommand.unknownCharset(c.charset())) {
      return SearchCommand.badCharset(session, c.tag());
    }
    SearchMapper mapper = new SearchMapper(v);
    SearchCriteria criteria = mapper.map(c.key());
    List<SortCriterion> program = program(c.criteria());
    boolean envelope = program.stream().anyMatch(k -> k.key().needsEnvelope());
    Mono<Void> enabled = mapper.usedModSeq ? session.enableCondStore() : Mono.empty();
    return enabled.then(reader.sortFields(v.id, SearchedMessages.of(session, v, criteria), envelope)
            .collectList())
        .flatMap(found -> {
          StringBuilder line = new StringBuilder("* SORT");
          long highest = 0;
          for (SortMessage m : MessageSorter.sort(found, program)) {
            int msn = v.msn(m.uid());
            line.append(' ').append(c.uid() ? m.uid() : msn);
            highest = Math.max(highest, v.modSeq(msn));
          }
          if (mapper.usedModSeq && !found.isEmpty()) {
            line.append(" (MODSEQ ").append(highest).append(')');
          }
          return session.send(List.of(ChangeReporter.line(session.alloc, line.toString())));
        })
        .then(Mono.defer(() -> session.complete(c.tag(), null, "SORT completed", c.uid())));
  }

  private static List<SortCriterion> program(List<ImapCommand.SortCriterion> wire) {
    List<SortCriterion> out = new ArrayList<>(wire.size());
    for (ImapCommand.SortCriterion w : wire) {
      SortCriterion.Key key = switch (w.key()) {
        case ARRIVAL -> SortCriterion.Key.ARRIVAL;
        case CC -> SortCriterion.Key.CC;
        case DATE -> SortCriterion.Key.DATE;
        case FROM -> SortCriterion.Key.FROM;
        case SIZE -> SortCriterion.Key.SIZE;
        case SUBJECT -> SortCriterion.Key.SUBJECT;
        case TO -> SortCriterion.Key.TO;
        case DISPLAYFROM -> SortCriterion.Key.DISPLAYFROM;
        case DISPLAYTO -> SortCriterion.Key.DISPLAYTO;
      };
      out.add(new SortCriterion(key, w.reverse()));
    }
    return out;
  }
}
