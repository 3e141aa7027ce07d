package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One session's view of its selected mailbox (RFC 3501 section 2.3.1.2): the UIDs it shows in
 * sequence-number order with their flags and MODSEQs, and the store events not yet reported to the
 * client. Sessions own this mapping because other sessions' expunges reach each session only at its
 * command boundaries (RFC 3501 section 7.4.1), so two sessions may number the same message
 * differently for a while.
 *
 * <p>Touched only by the session's serial processing; not thread-safe.
 */
final class SelectedMailbox {
  final MailboxId id;
  final MailboxName name;
  final boolean readOnly;
  final long uidValidity;
  private long highestModSeq;

  private long[] uids = new long[16];
  private Flags[] flags = new Flags[16];
  private long[] modSeqs = new long[16];
  private int count;
  /** The UID ranges this session claimed as \Recent, ascending and disjoint ({first, through}). */
  private final List<long[]> recent = new ArrayList<>(2);
  private final Deque<MailboxEvent> pending = new ArrayDeque<>();
  /**
   * The search result variable of SEARCHRES (RFC 5182), as UIDs ascending: it lives as long as this
   * selection (a new SELECT starts empty) and is bounded by the mailbox size.
   */
  private long[] saved = new long[0];
  /** The keywords the FLAGS responses of this selection have listed ({@link KeywordAnnouncer}). */
  private final Set<String> announcedKeywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  SelectedMailbox(MailboxId id, MailboxName name, boolean readOnly, long uidValidity, long highestModSeq) {
    this.id = id;
    this.name = name;
    this.readOnly = readOnly;
    this.uidValidity = uidValidity;
    this.highestModSeq = highestModSeq;
  }

  /** Loads the snapshot taken at SELECT (ascending UIDs). */
  void load(List<MessageMeta> metas) {
    for (MessageMeta m : metas) {
      append(m.uid(), m.flags(), m.modSeq());
    }
  }

  Set<String> announcedKeywords() {
    return announcedKeywords;
  }

  /**
   * Adds keywords to those announced, up to {@link KeywordAnnouncer#MAX_MAILBOX_KEYWORDS}; true if
   * one was new.
   */
  boolean announceKeywords(Set<String> keywords) {
    boolean added = false;
    for (String k : keywords) {
      if (announcedKeywords.size() >= KeywordAnnouncer.MAX_MAILBOX_KEYWORDS) {
        break;
      }
      added |= announcedKeywords.add(k);
    }
    return added;
  }

  int count() {
    return count;
  }

  long highestModSeq() {
    return highestModSeq;
  }

  void raiseModSeq(long modSeq) {
    highestModSeq = Math.max(highestModSeq, modSeq);
  }

  /** The message sequence number of {@code uid}, or 0 when the session does not show it. */
  int msn(long uid) {
    int i = Arrays.binarySearch(uids, 0, count, uid);
    return i < 0 ? 0 : i + 1;
  }

  /** The first sequence number whose UID is at least {@code uid}; count + 1 when none. */
  int msnAtOrAfter(long uid) {
    int i = Arrays.binarySearch(uids, 0, count, uid);
    return (i < 0 ? -i - 1 : i) + 1;
  }

  long uid(int msn) {
    return uids[msn - 1];
  }

  Flags flags(int msn) {
    return flags[msn - 1];
  }

  long modSeq(int msn) {
    return modSeqs[msn - 1];
  }

  /** The largest UID shown, 0 when empty. */
  long maxUid() {
    return count == 0 ? 0 : uids[count - 1];
  }

  /** A copy of the UIDs shown, ascending. */
  long[] uids() {
    return Arrays.copyOf(uids, count);
  }

  /** Sets the search result variable (RFC 5182 section 2.1); {@code ascending} is kept. */
  void save(long[] ascending) {
    saved = ascending;
  }

  /**
   * The saved result's messages still shown, ascending: an expunged message leaves the variable
   * (RFC 5182 section 2.1), and UIDs are never reused, so filtering at use time is the same.
   */
  long[] saved() {
    return Arrays.stream(saved).filter(uid -> msn(uid) > 0).toArray();
  }

  /** The largest UID among the queued arrivals, 0 when none is queued. */
  long newestPendingArrival() {
    long newest = 0;
    for (MailboxEvent e : pending) {
      if (e instanceof MailboxEvent.Added a) {
        newest = Math.max(newest, a.uid());
      }
    }
    return newest;
  }

  /**
   * Records a \Recent claim (see {@code MailStore.claimRecent}): UIDs from {@code first} to {@code
   * through} are recent in this session, shown already or still to come. Claims only move up, so
   * the ranges stay few and ordered.
   */
  void claimRecent(long first, long through) {
    long from = recent.isEmpty() ? first : Math.max(first, recent.get(recent.size() - 1)[1] + 1);
    if (from <= through) {
      recent.add(new long[] {from, through});
    }
  }

  boolean isRecent(long uid) {
    for (long[] r : recent) {
      if (uid >= r[0] && uid <= r[1]) {
        return true;
      }
    }
    return false;
  }

  /** How many of the messages shown are recent in this session. */
  int recentCount() {
    int n = 0;
    for (long[] r : recent) {
      n += msnAtOrAfter(r[1] + 1) - msnAtOrAfter(r[0]);
    }
    return n;
  }

  /** Records flags the session learnt (its own STORE, a FETCH); returns true if they changed. */
  boolean update(long uid, Flags newFlags, long modSeq) {
    int msn = msn(uid);
    if (msn == 0) {
      return false;
    }
    boolean changed = !flags[msn - 1].equals(newFlags);
    flags[msn - 1] = newFlags;
    modSeqs[msn - 1] = Math.max(modSeqs[msn - 1], modSeq);
    raiseModSeq(modSeq);
    return changed;
  }

  /** Adds a message that arrived (an EXISTS to report); false if it is already shown. */
  boolean add(long uid, Flags f, long modSeq) {
    if (uid <= maxUid()) {
      return false;
    }
    append(uid, f, modSeq);
    raiseModSeq(modSeq);
    return true;
  }

  /**
   * Removes the expunged UIDs the session shows; returns their sequence numbers as reported one
   * after the other (each already adjusted for the ones before it, RFC 3501 section 7.4.1).
   */
  int[] remove(List<Long> expunged) {
    int[] out = new int[expunged.size()];
    int n = 0;
    int w = 0;
    Set<Long> gone = new HashSet<>(expunged);
    for (int r = 0; r < count; r++) {
      if (gone.contains(uids[r])) {
        out[n++] = w + 1;
        continue;
      }
      uids[w] = uids[r];
      flags[w] = flags[r];
      modSeqs[w] = modSeqs[r];
      w++;
    }
    Arrays.fill(flags, w, count, null);
    count = w;
    return Arrays.copyOf(out, n);
  }

  Deque<MailboxEvent> pending() {
    return pending;
  }

  private void append(long uid, Flags f, long modSeq) {
    if (count == uids.length) {
      int size = uids.length * 2;
      uids = Arrays.copyOf(uids, size);
      flags = Arrays.copyOf(flags, size);
      modSeqs = Arrays.copyOf(modSeqs, size);
    }
    uids[count] = uid;
    flags[count] = f;
    modSeqs[count] = modSeq;
    count++;
  }
}
