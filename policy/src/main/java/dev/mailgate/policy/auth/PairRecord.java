package dev.mailgate.policy.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * The lockout record of one (user, address) pair: its distinct failures, the lockout, and the
 * password checks in flight. A check in flight holds a {@link Slot} that counts against
 * {@code lockoutAfter} as if it had failed already, so however many connections guess at once,
 * {@code count + slots.size()} never passes the threshold and no more distinct passwords are
 * checked than a lockout allows. Guarded by its own monitor, like its failures.
 */
final class PairRecord extends FailureRecord {
  /**
   * One password being checked, shared by every attempt in flight with the same fingerprint (a
   * phone's old password tried by three connections is one guess, as its failures count once).
   */
  static final class Slot {
    final long fingerprint;
    int holders = 1;
    /** Settled: its failure is counted, or the record was cleared; no longer in {@code slots}. */
    boolean detached;

    Slot(long fingerprint) {
      this.fingerprint = fingerprint;
    }
  }

  /** Undecided checks; at most {@code lockoutAfter - count} by construction. */
  private List<Slot> slots;
  private long lockedUntil;
  private boolean locked;
  /** When the pair last logged in, if {@code hasSucceeded}. */
  private long succeededAt;
  private boolean hasSucceeded;

  synchronized boolean lockedAt(long now) {
    return locked && now - lockedUntil < 0;
  }

  /**
   * A lockout that has run out opens a new window: the pair gets {@code lockoutAfter} more
   * distinct guesses before the next lockout (the recent fingerprints stay, so an old password
   * still counts once).
   */
  private void renewIfExpired(long now) {
    if (locked && now - lockedUntil >= 0) {
      locked = false;
      count = 0;
    }
  }

  /**
   * Admits a check of {@code fingerprint} at {@code now}: the slot it holds, {@link #NO_SLOT}
   * when it needs none (this password already failed here, so its failure would count nothing),
   * or null when the pair is locked out or every slot left is taken by checks in flight.
   */
  synchronized Slot admit(long fingerprint, long now, int lockoutAfter) {
    if (lockedAt(now)) {
      return null;
    }
    renewIfExpired(now);
    if (known(fingerprint)) {
      return NO_SLOT;
    }
    int inFlight = slots == null ? 0 : slots.size();
    for (int i = 0; i < inFlight; i++) {
      Slot s = slots.get(i);
      if (s.fingerprint == fingerprint) {
        s.holders++;
        return s;
      }
    }
    if (count + inFlight >= lockoutAfter) {
      return null;
    }
    if (slots == null) {
      slots = new ArrayList<>(Math.min(lockoutAfter, 16));
    }
    Slot s = new Slot(fingerprint);
    slots.add(s);
    return s;
  }

  /** Gives back one holder's share of {@code slot}: the last one frees it for another guess. */
  synchronized void release(Slot slot) {
    if (slot == NO_SLOT) {
      return;
    }
    if (--slot.holders == 0 && !slot.detached) {
      slot.detached = true;
      slots.remove(slot);
    }
  }

  /**
   * A failure of {@code fingerprint} at {@code now}: counted (once per fingerprint), its slot
   * turned into that count, and the pair locked for {@code lockoutFor} nanoseconds when it reaches
   * {@code lockoutAfter}.
   */
  synchronized void fail(long fingerprint, long now, int lockoutAfter, long lockoutFor) {
    renewIfExpired(now);
    int n = fail(fingerprint);
    if (slots != null) {
      for (int i = 0; i < slots.size(); i++) {
        Slot s = slots.get(i);
        if (s.fingerprint == fingerprint) {
          s.detached = true;
          slots.remove(i);
          break;
        }
      }
    }
    if (n >= lockoutAfter && !locked) {
      locked = true;
      lockedUntil = now + lockoutFor;
    }
  }

  /**
   * A success clears the failures and the lockout. Checks still in flight keep their slots: the
   * record is reset in place rather than dropped, so they still count against the new window.
   */
  synchronized void clear() {
    clearFailures();
    locked = false;
  }

  /** The pair logged in at {@code now}: {@link #clear()}, and the success remembered. */
  synchronized void succeeded(long now) {
    clear();
    hasSucceeded = true;
    succeededAt = now;
  }

  /** Whether the pair logged in less than {@code window} nanoseconds before {@code now}. */
  synchronized boolean succeededWithin(long now, long window) {
    return hasSucceeded && now - succeededAt < window;
  }

  /** The marker of a check that holds no slot; releasing it does nothing. */
  static final Slot NO_SLOT = new Slot(0);

  static {
    NO_SLOT.detached = true;
  }
}
