package dev.mailgate.policy.auth;

/**
 * Distinct-failure bookkeeping for one key of {@link AuthThrottle} (an address, a user, or a
 * (user, address) pair). Guarded by its own monitor. The ring of recent fingerprints is allocated
 * at the second distinct failure: most keys of a wide brute force (one try per address) never need
 * it, and a million of them then cost 80 bytes less each.
 */
class FailureRecord {
  /** Recent fingerprints kept per key: identical repeated failures among them count once. */
  static final int RING = 8;

  private long first;
  private long[] seen;
  private int size;
  private int next;
  int count;

  /** Counts the failure unless this fingerprint failed here recently; returns the count. */
  synchronized int fail(long fingerprint) {
    if (known(fingerprint)) {
      return count;
    }
    if (size == 0) {
      first = fingerprint;
      size = 1;
      return ++count;
    }
    if (seen == null) {
      seen = new long[RING];
      seen[0] = first;
      next = 1;
    }
    seen[next] = fingerprint;
    next = (next + 1) % RING;
    size = Math.min(size + 1, RING);
    return ++count;
  }

  /** Whether this fingerprint is among the recent failures (its retry would count nothing). */
  synchronized boolean known(long fingerprint) {
    if (size == 0) {
      return false;
    }
    if (seen == null) {
      return first == fingerprint;
    }
    for (int i = 0; i < size; i++) {
      if (seen[i] == fingerprint) {
        return true;
      }
    }
    return false;
  }

  /** Forgets every failure (a success). */
  synchronized void clearFailures() {
    first = 0;
    seen = null;
    size = 0;
    next = 0;
    count = 0;
  }

  synchronized int count() {
    return count;
  }
}
