package dev.mailgate.codec.smtp;

/**
 * The octets of command lines that {@link SmtpCommandDecoder} has passed on and the session has not
 * yet answered: what a pipelining client (RFC 2920) has queued ahead of its replies. The decoder
 * stops decoding, and the transport stops reading, once {@link SmtpLimits#maxPipelinedBytes()} are
 * outstanding, so a flood is answered in full and in order while the memory it takes stays bounded.
 *
 * <p>One entry per message the decoder emitted, in order, because the session acknowledges messages
 * one by one without saying which: its n-th acknowledgement releases the n-th entry. DATA content
 * and BDAT chunks enter with size 0: they are not pipelined commands, and their bytes already flow
 * with the sink's backpressure.
 */
final class PipelineBudget {
  private final int limit;
  private int[] sizes = new int[16];
  private int head;
  private int count;
  private long bytes;

  PipelineBudget(int limit) {
    this.limit = limit;
  }

  /** Whether the limit is reached: nothing more may be decoded until answers come back. */
  boolean exhausted() {
    return bytes >= limit;
  }

  long bytes() {
    return bytes;
  }

  /** A message of {@code size} octets (0 for content) was passed on. */
  void emitted(int size) {
    if (count == sizes.length) {
      int[] bigger = new int[sizes.length * 2];
      for (int i = 0; i < count; i++) {
        bigger[i] = sizes[(head + i) & (sizes.length - 1)];
      }
      sizes = bigger;
      head = 0;
    }
    sizes[(head + count) & (sizes.length - 1)] = size;
    count++;
    bytes += size;
  }

  /**
   * The oldest outstanding message was answered. Ignored when none is outstanding: the message that
   * replaced the decoder (STARTTLS) is acknowledged to its fresh successor.
   */
  void answered() {
    if (count == 0) {
      return;
    }
    bytes -= sizes[head];
    head = (head + 1) & (sizes.length - 1);
    count--;
  }
}
