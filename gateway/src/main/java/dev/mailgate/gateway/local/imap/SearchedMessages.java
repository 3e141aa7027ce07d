package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.search.SearchCriteria;
import dev.mailgate.mailbox.search.SequenceView;
import dev.mailgate.mailbox.store.MessageMeta;
import reactor.core.publisher.Flux;

/**
 * The index rows of the messages a search program finds among those the session shows, ascending:
 * what SORT and THREAD (RFC 5256 section 3) order. The search is SEARCH's own evaluator; the rows
 * are read in chunks of at most {@link dev.mailgate.mailbox.store.UidSet#MAX_RANGES} ranges, like
 * FETCH reads them. Bounded by the mailbox: one UID per message found is held meanwhile.
 */
final class SearchedMessages {
  private SearchedMessages() {}

  static Flux<MessageMeta> of(ImapSession session, SelectedMailbox v, SearchCriteria criteria) {
    return session.server.searcher().search(v.id, criteria, SequenceView.of(v.uids()))
        .filter(uid -> v.msn(uid) > 0)
        .collectList()
        .flatMapIterable(uids -> MessageSets.chunks(uids.stream().mapToLong(Long::longValue).toArray()))
        .concatMap(set -> session.server.store().messages(v.id, set), 1)
        .filter(m -> v.msn(m.uid()) > 0);
  }
}
