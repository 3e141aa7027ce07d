package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.sort.OrderedSubjectThreader;
import dev.mailgate.mailbox.sort.ReferencesThreader;
import dev.mailgate.mailbox.sort.SortFieldsReader;
import dev.mailgate.mailbox.sort.ThreadMessage;
import dev.mailgate.mailbox.sort.ThreadNode;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * THREAD / UID THREAD (RFC 5256 section 3): ORDEREDSUBJECT or REFERENCES over the messages
 * SEARCH's evaluator finds for the search program (a charset Java does not know gets {@code NO
 * [BADCHARSET]}), answered in the form of section 4 ({@link ThreadResponse}). The threads are of the
 * messages found only, as the RFC defines them; REFERENCES reads each one's References: header
 * ({@link SortFieldsReader}). Bounded by the mailbox: one small record per message found.
 */
final class ThreadCommand {
  private final ImapSession session;
  private final SortFieldsReader reader;

  ThreadCommand(ImapSession session) {
    this.session = session;
    this.reader = new SortFieldsReader(session.server.store());
  }

  Mono<Void> thread(ImapCommand.Thread c) {
    SelectedMailbox v = session.selected;
    if (SearchCommand.unknownCharset(c.charset())) {
      return SearchCommand.badCharset(session, c.tag());
    }
    SearchMapper mapper = new SearchMapper(v);
    SearchCriteria criteria = mapper.map(c.key());
    boolean references = c.algorithm() == ImapCommand.ThreadAlgorithm.REFERENCES;
    Mono<Void> enabled = mapper.usedModSeq ? session.enableCondStore() : Mono.empty();
    return enabled.then(reader.threadFields(v.id, SearchedMessages.of(session, v, criteria), references)
            .collectList())
        .flatMap(found -> {
          List<ThreadNode> threads = threads(c.algorithm(), found);
          String line = ThreadResponse.line(threads, uid -> c.uid() ? uid : v.msn(uid));
          return session.send(List.of(ChangeReporter.line(session.alloc, line)));
        })
        .then(Mono.defer(() -> session.complete(c.tag(), null, "THREAD completed", c.uid())));
  }

  private static List<ThreadNode> threads(ImapCommand.ThreadAlgorithm algorithm, List<ThreadMessage> found) {
    return switch (algorithm) {
      case ORDEREDSUBJECT -> OrderedSubjectThreader.thread(found);
      case REFERENCES -> ReferencesThreader.thread(found);
    };
  }
}
