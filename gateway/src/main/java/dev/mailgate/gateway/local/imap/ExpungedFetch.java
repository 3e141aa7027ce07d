package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.FetchItem;
import dev.mailgate.codec.imap.FetchItem.Attribute;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.mailbox.store.MessageMeta;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The FETCH answer for messages another session has expunged while this session still numbers
 * them (their EXPUNGE may not be sent during a FETCH, RFC 3501 section 7.4.1). When the FETCH asks
 * only for what the session itself knows of a message, UID, FLAGS and MODSEQ, it is answered from
 * the session's view, the last flags it was told (RFC 2180 section 4.1.3; Dovecot answers them
 * from its index the same way) and the message counts as found. Anything else (a body, a size)
 * leaves the message missing, for the tagged NO [EXPUNGEISSUED] of RFC 2180 section 4.1.2.
 */
final class ExpungedFetch {
  private final ImapSession session;
  private final SelectedMailbox view;
  private final long[] uids;
  private final List<FetchItem> items;
  private final long changedSince;
  /** Which of {@code uids} (by index) the store still had. */
  private final BitSet found;

  ExpungedFetch(ImapSession session, SelectedMailbox view, long[] uids, List<FetchItem> items,
      long changedSince) {
    this.session = session;
    this.view = view;
    this.uids = uids;
    this.items = items;
    this.changedSince = changedSince;
    this.found = new BitSet(uids.length);
  }

  /** Notes a message the store still has (UIDs arrive ascending, as {@code uids} are). */
  void found(MessageMeta m) {
    int i = Arrays.binarySearch(uids, m.uid());
    if (i >= 0) {
      found.set(i);
    }
  }

  /**
   * Sends the view's FETCH responses for the missing messages when every item can be answered
   * from the view, and adds how many it answered to {@code answered[0]}.
   */
  Mono<Void> answer(int[] answered) {
    if (!fromViewAlone(items)) {
      return Mono.empty();
    }
    List<ByteBuf> lines = new ArrayList<>();
    for (int i = found.nextClearBit(0); i < uids.length; i = found.nextClearBit(i + 1)) {
      int msn = view.msn(uids[i]);
      if (msn == 0) {
        continue;
      }
      answered[0]++; // counted even when CHANGEDSINCE leaves it out: it is not missing
      if (view.modSeq(msn) > changedSince) {
        lines.add(line(msn));
      }
    }
    return lines.isEmpty() ? Mono.empty() : session.send(lines);
  }

  static boolean fromViewAlone(List<FetchItem> items) {
    for (FetchItem item : items) {
      if (!(item instanceof FetchItem.Simple s) || !(s.attribute() == Attribute.UID
          || s.attribute() == Attribute.FLAGS || s.attribute() == Attribute.MODSEQ)) {
        return false;
      }
    }
    return true;
  }

  private ByteBuf line(int msn) {
    long uid = view.uid(msn);
    ImapResponseWriter w = session.writer().untagged().number(msn).sp().atom("FETCH").sp().open();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        w.sp();
      }
      switch (((FetchItem.Simple) items.get(i)).attribute()) {
        case UID -> w.atom("UID").sp().number(uid);
        case FLAGS -> w.atom("FLAGS").sp().text(FlagNames.list(view.flags(msn), view.isRecent(uid)));
        default -> w.atom("MODSEQ").sp().text("(" + view.modSeq(msn) + ")");
      }
    }
    return w.close().crlf().build();
  }
}
