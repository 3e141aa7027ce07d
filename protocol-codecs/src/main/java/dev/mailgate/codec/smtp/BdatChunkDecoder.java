package dev.mailgate.codec.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Reads the exactly {@code n} octets that follow {@code BDAT n [LAST]} (RFC 3030 2) as
 * {@link SmtpContent} slices, then {@link BdatEnd}. Content is not examined: BDAT has no
 * terminator and no dot-stuffing. A chunk over {@link SmtpLimits#maxBdatChunkSize()} or one that
 * takes the transaction over {@link SmtpLimits#maxDataSize()} is still read (RFC 3030 requires
 * the server to consume it) but dropped, and ends with CHUNK_TOO_BIG or MESSAGE_TOO_BIG.
 */
public final class BdatChunkDecoder {
  private long size;
  private long remaining;
  private boolean last;
  private ProtocolError failure;

  /** Starts a chunk; {@code failure} non-null means read and drop it, then emit that failure. */
  public void start(long size, boolean last, ProtocolError failure) {
    this.size = size;
    this.remaining = size;
    this.last = last;
    this.failure = failure;
  }

  public long remaining() {
    return remaining;
  }

  /** Consumes chunk octets from {@code in}; true once the chunk is complete and its end added. */
  public boolean decode(ByteBuf in, List<Object> out) {
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n > 0) {
      if (failure == null) {
        out.add(new SmtpContent(in.readRetainedSlice(n)));
      } else {
        in.skipBytes(n);
      }
      remaining -= n;
    }
    if (remaining > 0) {
      return false;
    }
    out.add(failure == null
        ? new BdatEnd(size, last)
        : DecodeFailure.of(failure, failure == ProtocolError.CHUNK_TOO_BIG
            ? "BDAT chunk too big" : "message too big"));
    return true;
  }
}
