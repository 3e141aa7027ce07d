package dev.mailgate.gateway.policy;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.auth.AuthOutcomes;
import dev.mailgate.policy.auth.LoginReservation;

/**
 * One login's passage through the authentication policies ({@link SessionPolicies#authenticate}):
 * the {@link #decision()} to act on and, when it is {@code ALLOW}, the reserved right to check the
 * password, which {@link #failed()} or {@link #succeeded()} settles. The session never releases
 * it by hand: {@link SessionPolicies#authenticate} does on every ending, including a cancelled
 * check (the client left), so a slot of the (user, address) pair's lockout is never kept.
 */
public final class AuthAttempt {
  static final AuthAttempt OFF = new AuthAttempt(Decision.ALLOW, null, null, null, 0);

  private final Decision decision;
  private final LoginReservation reservation;
  private final AuthOutcomes outcomes;
  private final PolicyFacts facts;
  private final long fingerprint;

  AuthAttempt(Decision decision, LoginReservation reservation, AuthOutcomes outcomes,
      PolicyFacts facts, long fingerprint) {
    this.decision = decision;
    this.reservation = reservation;
    this.outcomes = outcomes;
    this.facts = facts;
    this.fingerprint = fingerprint;
  }

  static AuthAttempt refused(Decision.Deny deny) {
    return new AuthAttempt(deny, null, null, null, 0);
  }

  /** {@code ALLOW}: check the password now; a {@code Deny} (already counted): answer it. */
  public Decision decision() {
    return decision;
  }

  /**
   * The password was wrong: counted for the delays and the lockout (once per password), and the
   * reserved check becomes that failure in one step, so no parallel guess slips in between.
   */
  public void failed() {
    if (outcomes != null) {
      outcomes.recordFailure(facts, fingerprint);
    }
    release();
  }

  /** The login succeeded: clears the address's and the pair's failure record. */
  public void succeeded() {
    release(); // first, so the cleared pair record has nothing in flight and can go
    if (outcomes != null) {
      outcomes.recordSuccess(facts);
    }
  }

  /** Gives the reserved check back without an outcome (abandoned); idempotent. */
  void release() {
    if (reservation != null) {
      reservation.release();
    }
  }
}
