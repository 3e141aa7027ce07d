package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.imap.SequenceSet;
import dev.mailgate.mailbox.store.CopyResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.StoreResult;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Commands that change messages of the selected mailbox: STORE / UID STORE (RFC 3501 section
 * 6.4.6) with UNCHANGEDSINCE and the MODIFIED response code (RFC 7162 section 3.1.3), COPY / UID
 * COPY with COPYUID (RFC 4315 section 3), and MOVE / UID MOVE (RFC 6851: COPYUID untagged before
 * the expunges). A missing target, or a \Noselect name, answers {@code NO [TRYCREATE]}.
 */
final class StoreCommands {
  private final ImapSession session;

  StoreCommands(ImapSession session) {
    this.session = session;
  }

  Mono<Void> store(ImapCommand.Store c) {
    SelectedMailbox v = session.selected;
    if (v.readOnly) {
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.READ_ONLY, "Mailbox is read-only");
    }
    Flags flags = FlagNames.parse(c.flags());
    if (c.mode() != ImapCommand.StoreMode.REMOVE
        && KeywordAnnouncer.wouldExceed(v, flags.keywords())) {
      // PERMANENTFLAGS has no \* any more: no keyword beyond the mailbox's limit is created
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.LIMIT, KeywordAnnouncer.TOO_MANY);
    }
    FlagUpdate update = switch (c.mode()) {
      case REPLACE -> FlagUpdate.replace(flags);
      case ADD -> FlagUpdate.add(flags);
      case REMOVE -> FlagUpdate.remove(flags);
    };
    Mono<Void> enabled = Mono.empty();
    if (c.unchangedSince() >= 0) {
      update = update.unchangedSince(c.unchangedSince());
      enabled = session.enableCondStore();
    }
    FlagUpdate u = update;
    long[] uids = MessageSets.resolve(v, c.set(), c.uid());
    return enabled.thenMany(Flux.fromIterable(MessageSets.chunks(uids)))
        .concatMap(set -> session.server.store().store(v.id, set, u))
        .collectList()
        .flatMap(results -> {
          Set<Long> touched = new HashSet<>();
          List<Long> modified = new ArrayList<>();
          for (StoreResult r : results) {
            for (StoreResult.MessageFlags f : r.updated()) {
              v.update(f.uid(), f.flags(), f.modSeq());
              touched.add(f.uid());
            }
            modified.addAll(r.modified());
          }
          Set<Long> refused = new HashSet<>(modified);
          // Messages the STORE left as they were: the store read their flags in the same
          // transaction, and this session's view of them may predate another session's change.
          Set<Long> unchanged = new HashSet<>();
          for (StoreResult r : results) {
            for (StoreResult.MessageFlags f : r.unchanged()) {
              int msn = v.msn(f.uid());
              if (msn > 0 && f.modSeq() > v.modSeq(msn)) {
                v.update(f.uid(), f.flags(), f.modSeq());
              }
              unchanged.add(f.uid());
            }
          }
          List<ByteBuf> out = new ArrayList<>();
          for (long uid : uids) {
            int msn = v.msn(uid);
            if (msn == 0 || refused.contains(uid)) {
              continue;
            }
            boolean changed = touched.contains(uid);
            if (!c.silent()) {
              if (!changed && !unchanged.contains(uid)) {
                continue; // expunged elsewhere: its EXPUNGE comes when allowed, no flags to report
              }
              KeywordAnnouncer.ensure(session.alloc, v, v.flags(msn), out);
              out.add(ChangeReporter.fetchFlags(session.alloc, v, msn, session.condStore));
            } else if (changed && session.condStore) {
              out.add(ChangeReporter.line(session.alloc, "* " + msn + " FETCH (UID " + uid
                  + " MODSEQ (" + v.modSeq(msn) + "))"));
            }
          }
          ResponseCode code = modified.isEmpty() ? null : modifiedCode(v, modified, c.uid());
          return session.send(out).then(session.complete(c.tag(), code, "STORE completed", c.uid()));
        });
  }

  private static ResponseCode modifiedCode(SelectedMailbox v, List<Long> uids, boolean uid) {
    List<Long> numbers = new ArrayList<>();
    for (Long u : uids) {
      numbers.add(uid ? u : (long) v.msn(u));
    }
    numbers.sort(null);
    return new ResponseCode("MODIFIED", MessageSets.compact(numbers));
  }

  Mono<Void> copy(String tag, boolean uid, SequenceSet set, String mailbox, boolean move) {
    SelectedMailbox v = session.selected;
    if (move && v.readOnly) {
      return session.tagged(tag, ImapStatus.NO, ResponseCode.READ_ONLY, "Mailbox is read-only");
    }
    long[] uids = MessageSets.resolve(v, set, uid);
    MailStore store = session.server.store();
    return store.mailbox(session.user, MailboxCommands.name(mailbox))
        .onErrorMap(e -> e instanceof MailStoreException m
                && m.reason() == MailStoreException.Reason.NO_SUCH_MAILBOX,
            e -> new TryCreate())
        .flatMap(target -> target.selectable() ? Mono.just(target) : Mono.error(new TryCreate()))
        .flatMap(target -> Flux.fromIterable(MessageSets.chunks(uids))
            .concatMap(chunk -> move ? store.move(v.id, chunk, target.id()) : store.copy(v.id, chunk, target.id()))
            .collectList()
            .flatMap(results -> reply(tag, v, results, move)))
        .onErrorResume(TryCreate.class,
            e -> session.tagged(tag, ImapStatus.NO, ResponseCode.TRYCREATE, "Mailbox does not exist"));
  }

  private Mono<Void> reply(String tag, SelectedMailbox v, List<CopyResult> results, boolean move) {
    List<Long> source = new ArrayList<>();
    List<Long> dest = new ArrayList<>();
    long validity = 0;
    for (CopyResult r : results) {
      source.addAll(r.sourceUids());
      dest.addAll(r.destinationUids());
      validity = r.destinationUidValidity();
    }
    ResponseCode code = source.isEmpty() ? null : new ResponseCode("COPYUID",
        validity + " " + MessageSets.ordered(source) + " " + MessageSets.ordered(dest));
    String verb = move ? "MOVE" : "COPY";
    if (!move) {
      return session.complete(tag, code, verb + " completed");
    }
    List<ByteBuf> out = new ArrayList<>();
    if (code != null) {
      out.add(ImapResponseEncoder.untagged(session.alloc, ImapStatus.OK, code, "Moved"));
    }
    List<Long> sorted = new ArrayList<>(source);
    sorted.sort(null);
    ChangeReporter.expunge(session.alloc, v, sorted, session.qresync, out);
    return session.send(out).then(session.complete(tag, null, verb + " completed"));
  }

  /**
   * The target mailbox of COPY / MOVE does not exist, or is a \Noselect name that CREATE would
   * make one of (RFC 3501 section 6.4.7).
   */
  private static final class TryCreate extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TryCreate() {
      super("no such mailbox", null, false, false);
    }
  }
}
