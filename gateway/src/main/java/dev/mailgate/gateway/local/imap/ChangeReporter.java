package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.SystemFlag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Turns the store events a session has queued into untagged responses at a command boundary or
 * during IDLE (RFC 3501 sections 5.2, 7.3.1, 7.4.1; RFC 7162 sections 3.1.4 and 3.2.10): EXISTS
 * and RECENT for arrivals, EXPUNGE (or VANISHED once QRESYNC is enabled) for removals, and FETCH
 * FLAGS (with UID, and MODSEQ under CONDSTORE) for flag changes made elsewhere. Applying an event is
 * idempotent against the view, so the echo of the session's own changes and events older than the
 * SELECT snapshot say nothing.
 *
 * <p>A flag change of a message that arrived in the same batch is reported after the EXISTS that
 * tells of it: a client must never see a FETCH for a sequence number it has not been told exists
 * (RFC 3501 sections 7.3.1 and 7.4.2).
 *
 * <p>EXPUNGE must not be sent while a FETCH, STORE or SEARCH (without UID) is answered (RFC 3501
 * section 7.4.1): then the queue is drained only up to the first expunge, which keeps the order.
 */
final class ChangeReporter {
  private ChangeReporter() {}

  static List<ByteBuf> drain(ByteBufAllocator alloc, SelectedMailbox view, boolean allowExpunge,
      boolean condStore, boolean qresync) {
    List<ByteBuf> out = new ArrayList<>();
    Deque<MailboxEvent> pending = view.pending();
    boolean announce = false;
    // The messages the client has been told of: a FETCH of a later one needs its EXISTS first.
    int told = view.count();
    while (!pending.isEmpty()) {
      MailboxEvent e = pending.peek();
      if ((e instanceof MailboxEvent.Expunged || e instanceof MailboxEvent.Deleted) && !allowExpunge) {
        break;
      }
      pending.poll();
      if (e instanceof MailboxEvent.Added a) {
        KeywordAnnouncer.ensure(alloc, view, a.flags(), out);
        announce |= view.add(a.uid(), a.flags(), a.modSeq());
      } else if (e instanceof MailboxEvent.FlagsChanged f) {
        int msn = view.msn(f.uid());
        if (msn > 0 && f.modSeq() > view.modSeq(msn) && view.update(f.uid(), f.flags(), f.modSeq())) {
          KeywordAnnouncer.ensure(alloc, view, f.flags(), out);
          if (msn > told) {
            out.add(exists(alloc, view));
            told = view.count();
          }
          out.add(fetchFlags(alloc, view, msn, condStore));
        } else {
          view.raiseModSeq(f.modSeq());
        }
      } else if (e instanceof MailboxEvent.Expunged x) {
        if (announce && view.count() > told) {
          out.add(exists(alloc, view));
        }
        announce = false;
        expunge(alloc, view, x.uids(), qresync, out);
        told = view.count();
        view.raiseModSeq(x.modSeq());
      } else if (e instanceof MailboxEvent.Deleted) {
        if (announce && view.count() > told) {
          out.add(exists(alloc, view));
        }
        announce = false;
        List<Long> all = new ArrayList<>();
        for (long u : view.uids()) {
          all.add(u);
        }
        expunge(alloc, view, all, qresync, out);
        told = view.count();
      }
    }
    if (announce) {
      if (view.count() > told) {
        out.add(exists(alloc, view));
      }
      out.add(line(alloc, "* " + view.recentCount() + " RECENT"));
    }
    return out;
  }

  static void expunge(ByteBufAllocator alloc, SelectedMailbox view, List<Long> uids,
      boolean qresync, List<ByteBuf> out) {
    List<Long> shown = new ArrayList<>();
    for (Long u : uids) {
      if (view.msn(u) > 0) {
        shown.add(u);
      }
    }
    shown.sort(null);
    int[] msns = view.remove(shown);
    if (qresync) {
      if (!shown.isEmpty()) {
        out.add(line(alloc, "* VANISHED " + MessageSets.compact(shown)));
      }
      return;
    }
    for (int msn : msns) {
      out.add(line(alloc, "* " + msn + " EXPUNGE"));
    }
  }

  static ByteBuf exists(ByteBufAllocator alloc, SelectedMailbox view) {
    return line(alloc, "* " + view.count() + " EXISTS");
  }

  /** {@code * n FETCH (FLAGS (...) UID u [MODSEQ (m)])}. */
  static ByteBuf fetchFlags(ByteBufAllocator alloc, SelectedMailbox view, int msn, boolean condStore) {
    long uid = view.uid(msn);
    StringBuilder sb = new StringBuilder(64).append("* ").append(msn).append(" FETCH (FLAGS ")
        .append(FlagNames.list(view.flags(msn), view.isRecent(uid))).append(" UID ").append(uid);
    if (condStore) {
      sb.append(" MODSEQ (").append(view.modSeq(msn)).append(')');
    }
    return line(alloc, sb.append(')').toString());
  }

  static ByteBuf line(ByteBufAllocator alloc, String text) {
    return new ImapResponseWriter(alloc, false).text(text).crlf().build();
  }

  static boolean deleted(SelectedMailbox view, int msn) {
    return view.flags(msn).has(SystemFlag.DELETED);
  }
}
