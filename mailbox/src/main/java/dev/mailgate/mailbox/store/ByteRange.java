package dev.mailgate.mailbox.store;

/**
 * A slice of a stored message: {@code length} octets from {@code offset}, clipped to the message
 * (the BODY[]&lt;partial&gt; semantics of RFC 3501 section 6.4.5).
 */
public record ByteRange(long offset, long length) {
  public static final ByteRange ALL = new ByteRange(0, Long.MAX_VALUE);

  public ByteRange {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative byte range");
    }
  }

  /** A sub-range of this range, relative to its start, clipped to it. */
  public ByteRange slice(long relOffset, long relLength) {
    long start = Math.min(length, relOffset);
    long len = Math.min(length - start, relLength);
    return new ByteRange(offset + start, len);
  }
}
