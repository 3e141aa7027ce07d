package dev.mailgate.mailbox.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One session's view of a selected mailbox (RFC 3501 sections 2.3.1.2, 7.3.1, 7.4.1; RFC 7162
 * section 3.2.10): the UIDs it shows in message-sequence order, and the translation of the store's
 * {@link MailboxEvent}s into what the session must tell its client (EXISTS counts, EXPUNGE
 * sequence numbers, FETCH FLAGS). Not thread-safe: a session applies events on its own thread.
 *
 * <p>Opening: subscribe to {@link MailStore#events} first, then read {@link MailStore#messages}
 * and build the view, then {@link #apply} every buffered event: events already reflected in the
 * snapshot (UID already shown, expunged UID not shown) are ignored, so no change is lost or doubled.
 */
public final class SelectedMailbox {
  /** What the client must be told after an event. */
  public sealed interface Update {}

  /** Untagged EXISTS with the new count. */
  public record Exists(int count) implements Update {}

  /**
   * Untagged EXPUNGE responses, in the order to send them (each number valid at the time it is
   * sent), or one VANISHED of {@code uids} for a QRESYNC-enabled session.
   */
  public record Expunged(List<Integer> sequenceNumbers, List<Long> uids) implements Update {}

  /** Untagged FETCH (FLAGS ... MODSEQ ...) for a message the session shows. */
  public record FlagsChanged(int sequenceNumber, long uid, Flags flags, long modSeq) implements Update {}

  private long[] uids;
  private int size;
  private long highestModSeq;

  public SelectedMailbox(List<MessageMeta> snapshot, long highestModSeq) {
    this.uids = new long[Math.max(16, snapshot.size())];
    for (MessageMeta m : snapshot) {
      uids[size++] = m.uid();
    }
    this.highestModSeq = highestModSeq;
  }

  public int exists() {
    return size;
  }

  public long highestModSeq() {
    return highestModSeq;
  }

  /** Sequence number of the UID, or 0 if not shown. */
  public int msn(long uid) {
    int i = Arrays.binarySearch(uids, 0, size, uid);
    return i < 0 ? 0 : i + 1;
  }

  /** UID at a sequence number (1-based). */
  public long uid(int msn) {
    if (msn < 1 || msn > size) {
      throw new IndexOutOfBoundsException("no message " + msn);
    }
    return uids[msn - 1];
  }

  /** The UIDs shown, ascending (a copy). */
  public long[] uids() {
    return Arrays.copyOf(uids, size);
  }

  /** Applies a committed change; returns what to report, or null if nothing changes here. */
  public Update apply(MailboxEvent event) {
    highestModSeq = Math.max(highestModSeq, event.modSeq());
    if (event instanceof MailboxEvent.Added a) {
      if (msn(a.uid()) > 0) {
        return null;
      }
      if (size == uids.length) {
        uids = Arrays.copyOf(uids, size * 2);
      }
      int at = -Arrays.binarySearch(uids, 0, size, a.uid()) - 1;
      System.arraycopy(uids, at, uids, at + 1, size - at);
      uids[at] = a.uid();
      size++;
      return new Exists(size);
    }
    if (event instanceof MailboxEvent.Expunged x) {
      List<Integer> msns = new ArrayList<>();
      List<Long> gone = new ArrayList<>();
      // highest first, so each number is still valid when the client receives it
      List<Long> sorted = new ArrayList<>(x.uids());
      sorted.sort(null);
      for (int i = sorted.size() - 1; i >= 0; i--) {
        int n = msn(sorted.get(i));
        if (n > 0) {
          System.arraycopy(uids, n, uids, n - 1, size - n);
          size--;
          msns.add(n);
          gone.add(sorted.get(i));
        }
      }
      return msns.isEmpty() ? null : new Expunged(msns, gone);
    }
    if (event instanceof MailboxEvent.FlagsChanged f) {
      int n = msn(f.uid());
      return n == 0 ? null : new FlagsChanged(n, f.uid(), f.flags(), f.modSeq());
    }
    return null;
  }
}
