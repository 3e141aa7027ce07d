package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.imap.SequenceSet;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Entering and leaving the selected state: SELECT / EXAMINE (RFC 3501 sections 6.3.1-6.3.2 with
 * CONDSTORE and QRESYNC parameters of RFC 7162 sections 3.1.8 and 3.2.5), CLOSE (silent expunge,
 * RFC 3501 section 6.4.2), UNSELECT (RFC 3691), and EXPUNGE / UID EXPUNGE (RFC 3501 section
 * 6.4.3, RFC 4315 section 2.1).
 *
 * <p>SELECT subscribes to the mailbox's events before it reads the snapshot, so a change committed
 * in between is either in the snapshot or queued (applying it again is a no-op).
 */
final class SelectCommands {
  private final ImapSession session;

  SelectCommands(ImapSession session) {
    this.session = session;
  }

  Mono<Void> select(ImapCommand.Select c) {
    if (c.qresync() != null && !session.qresync) {
      return session.tagged(c.tag(), ImapStatus.BAD, null, "QRESYNC is not enabled");
    }
    List<ByteBuf> closed = new ArrayList<>();
    if (session.selected != null) {
      session.unfollow();
      closed.add(ImapResponseEncoder.untagged(session.alloc, ImapStatus.OK, ResponseCode.CLOSED,
          "Previous mailbox closed"));
    }
    MailStore store = session.server.store();
    return session.send(closed)
        .then(Mono.defer(() -> store.mailbox(session.user, MailboxCommands.name(c.mailbox()))))
        .flatMap(first -> {
          if (!first.selectable()) {
            return Mono.error(new MailStoreException(MailStoreException.Reason.NOT_SELECTABLE, "noselect"));
          }
          if (c.condStore()) {
            session.condStore = true;
          }
          SelectedMailbox[] view = new SelectedMailbox[1];
          // Follow first, then read: nothing committed after this point can be missed.
          session.follow(new SelectedMailbox(first.id(), first.name(), c.readOnly(), first.uidValidity(), 0));
          return store.mailbox(session.user, first.name())
              .zipWith(store.messages(first.id(), UidSet.all()).collectList())
              .flatMap(t -> {
                MailboxInfo info = t.getT1();
                SelectedMailbox v = new SelectedMailbox(info.id(), info.name(), c.readOnly(),
                    info.uidValidity(), info.highestModSeq());
                v.load(t.getT2());
                v.pending().addAll(session.selected.pending());
                session.selected = v;
                view[0] = v;
                // \Recent: what no session has seen becomes this session's (EXAMINE only looks).
                return store.claimRecent(v.id, c.readOnly() ? 0 : v.maxUid())
                    .doOnNext(firstRecent -> v.claimRecent(firstRecent, v.maxUid()))
                    .then(Mono.defer(() -> session.send(selectResponses(v, info))))
                    .then(qresync(c, v));
              })
              .then(Mono.defer(() -> session.complete(c.tag(),
                  c.readOnly() ? ResponseCode.READ_ONLY : ResponseCode.READ_WRITE,
                  (c.readOnly() ? "EXAMINE" : "SELECT") + " completed")));
        })
        .onErrorResume(e -> {
          if (session.selected != null) {
            session.unfollow();
          }
          return Mono.error(e);
        });
  }

  private List<ByteBuf> selectResponses(SelectedMailbox v, MailboxInfo info) {
    List<ByteBuf> out = new ArrayList<>();
    // FLAGS and PERMANENTFLAGS name the keywords in use too, so clients can offer them (RFC 3501
    // sections 7.2.6 and 7.1).
    for (int msn = 1; msn <= v.count(); msn++) {
      v.announceKeywords(v.flags(msn).keywords());
    }
    out.addAll(KeywordAnnouncer.flagsLines(session.alloc, v));
    out.add(ChangeReporter.exists(session.alloc, v));
    out.add(ChangeReporter.line(session.alloc, "* " + v.recentCount() + " RECENT"));
    for (int msn = 1; msn <= v.count(); msn++) {
      if (!v.flags(msn).has(SystemFlag.SEEN)) {
        out.add(ok(ResponseCode.unseen(msn), "First unseen"));
        break;
      }
    }
    out.add(ok(ResponseCode.uidValidity(info.uidValidity()), "UIDs valid"));
    out.add(ok(ResponseCode.uidNext(info.uidNext()), "Predicted next UID"));
    out.add(ok(ResponseCode.highestModSeq(info.highestModSeq()), "Highest"));
    return out;
  }

  /** QRESYNC (RFC 7162 section 3.2.5.1): what vanished and what changed since the client's MODSEQ. */
  private Mono<Void> qresync(ImapCommand.Select c, SelectedMailbox v) {
    ImapCommand.Qresync q = c.qresync();
    if (q == null || q.uidValidity() != v.uidValidity) {
      return Mono.empty();
    }
    MailStore store = session.server.store();
    long max = Math.max(v.maxUid(), 1);
    Mono<Void> vanished = store.vanishedSince(v.id, q.modSeq())
        .filter(uid -> q.knownUids() == null || q.knownUids().contains(uid, max))
        .sort()
        .collectList()
        .flatMap(uids -> uids.isEmpty() ? Mono.empty() : session.send(List.of(ChangeReporter.line(
            session.alloc, "* VANISHED (EARLIER) " + MessageSets.compact(uids)))));
    Mono<Void> changed = Mono.defer(() -> {
      List<ByteBuf> out = new ArrayList<>();
      for (int msn = 1; msn <= v.count(); msn++) {
        if (v.modSeq(msn) > q.modSeq()) {
          KeywordAnnouncer.ensure(session.alloc, v, v.flags(msn), out);
          out.add(ChangeReporter.fetchFlags(session.alloc, v, msn, true));
        }
      }
      return session.send(out);
    });
    return vanished.then(changed);
  }

  private ByteBuf ok(ResponseCode code, String text) {
    return ImapResponseEncoder.untagged(session.alloc, ImapStatus.OK, code, text);
  }

  Mono<Void> close(String tag, boolean expunge) {
    SelectedMailbox v = session.selected;
    Mono<Void> work = expunge && !v.readOnly
        ? Flux.fromIterable(MessageSets.chunks(v.uids()))
            .concatMap(set -> session.server.store().expunge(v.id, set)).then()
        : Mono.empty();
    return work.then(Mono.defer(() -> {
      session.unfollow();
      return session.tagged(tag, ImapStatus.OK, null, (expunge ? "CLOSE" : "UNSELECT") + " completed");
    }));
  }

  Mono<Void> expunge(ImapCommand.Expunge c) {
    SelectedMailbox v = session.selected;
    if (v.readOnly) {
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.READ_ONLY, "Mailbox is read-only");
    }
    long[] uids = c.uidSet() == null ? v.uids() : MessageSets.resolve(v, c.uidSet(), true);
    // HIGHESTMODSEQ is read after the queued changes are reported: one committed after the expunge
    // may be among them, and the tagged response must not name a lower value than its MODSEQ.
    return expungeUids(v, uids)
        .then(Mono.defer(() -> session.updates(true)))
        .flatMap(updates -> {
          List<ByteBuf> out = new ArrayList<>(updates);
          out.add(ImapResponseEncoder.tagged(session.alloc, c.tag(), ImapStatus.OK,
              session.condStore ? ResponseCode.highestModSeq(v.highestModSeq()) : null, "EXPUNGE completed"));
          return session.send(out);
        });
  }

  /** Expunges the \Deleted messages among {@code uids}, reports them, emits the new HIGHESTMODSEQ. */
  Mono<Long> expungeUids(SelectedMailbox v, long[] uids) {
    return Flux.fromIterable(MessageSets.chunks(uids))
        .concatMap(set -> session.server.store().expunge(v.id, set))
        .collectList()
        .flatMap(results -> {
          List<Long> gone = new ArrayList<>();
          for (var r : results) {
            gone.addAll(r.uids());
            v.raiseModSeq(r.modSeq());
          }
          List<ByteBuf> out = new ArrayList<>();
          ChangeReporter.expunge(session.alloc, v, gone, session.qresync, out);
          return session.send(out).thenReturn(v.highestModSeq());
        });
  }

  static SequenceSet all() {
    return SequenceSet.range(1, SequenceSet.STAR);
  }

  static boolean has(MessageMeta m, SystemFlag f) {
    return m.flags().has(f);
  }
}
