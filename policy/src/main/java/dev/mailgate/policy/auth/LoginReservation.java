package dev.mailgate.policy.auth;

import dev.mailgate.policy.Decision;

/**
 * The right to check one password for a (user, address) pair, from {@link AuthThrottle#reserve}:
 * while held it counts against the pair's lockout as if it had failed, so parallel connections
 * cannot have more passwords checked than {@code lockout_after}. Record the outcome
 * ({@link AuthOutcomes}), then {@link #release()}; release also when the check is abandoned (the
 * client left, the verifier failed): no outcome is then recorded and the slot is free again.
 * Releasing is idempotent and safe from any thread.
 */
public final class LoginReservation {
  private final PairRecord record;
  private final PairRecord.Slot slot;
  private final Decision.Deny deny;
  private boolean released;

  LoginReservation(PairRecord record, PairRecord.Slot slot) {
    this.record = record;
    this.slot = slot;
    this.deny = null;
  }

  LoginReservation(Decision.Deny deny) {
    this.record = null;
    this.slot = null;
    this.deny = deny;
  }

  /** Whether the password may be checked; otherwise {@link #deny()} says why not. */
  public boolean admitted() {
    return deny == null;
  }

  /** The refusal when not {@linkplain #admitted() admitted}, else null. */
  public Decision.Deny deny() {
    return deny;
  }

  /** Gives the slot back (after the outcome was recorded, or when the check was abandoned). */
  public void release() {
    if (record == null) {
      return;
    }
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    record.release(slot);
  }
}
