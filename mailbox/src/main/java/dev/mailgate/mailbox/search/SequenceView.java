package dev.mailgate.mailbox.search;

import java.util.Arrays;

/**
 * A session's message sequence numbers (RFC 3501 section 2.3.1.2): the UIDs it currently shows, in
 * order. Sessions own this mapping because expunges reach each session at its own pace.
 */
@FunctionalInterface
public interface SequenceView {
  /** The sequence number of {@code uid} in this session, or 0 if the session does not show it. */
  long msn(long uid);

  /** The view of a session showing exactly these UIDs, ascending. */
  static SequenceView of(long[] ascendingUids) {
    long[] uids = ascendingUids.clone();
    return uid -> {
      int i = Arrays.binarySearch(uids, uid);
      return i < 0 ? 0 : i + 1;
    };
  }
}
