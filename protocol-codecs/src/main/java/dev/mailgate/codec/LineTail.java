package dev.mailgate.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The last few octets of a line that arrives over several buffers, for scanners that need only
 * the line's end: an IMAP literal marker {@code {n}} or {@code {n+}} (RFC 3501 4.3, RFC 7888), a
 * POP3 {@code QUIT}. Copying just these octets keeps a scanner's memory fixed however long the line
 * and however it is split. Not thread-safe: one per scanner.
 */
public final class LineTail {
  private final byte[] bytes;
  /** {@link #bytes} as a buffer, made once, for parsers that read a {@link ByteBuf}. */
  private final ByteBuf view;
  private int length;

  /** @param capacity how many of the line's last octets are kept */
  public LineTail(int capacity) {
    this.bytes = new byte[capacity];
    this.view = Unpooled.wrappedBuffer(bytes);
  }

  /** Appends {@code in[from, to)} to the line, keeping only its last {@code capacity} octets. */
  public void remember(ByteBuf in, int from, int to) {
    int n = to - from;
    int keep = bytes.length;
    if (n >= keep) {
      in.getBytes(to - keep, bytes, 0, keep);
      length = keep;
      return;
    }
    int drop = Math.max(0, length + n - keep);
    if (drop > 0) {
      System.arraycopy(bytes, drop, bytes, 0, length - drop);
      length -= drop;
    }
    in.getBytes(from, bytes, length, n);
    length += n;
  }

  /** Drops a final CR (the line's LF is never kept); true when there was one. */
  public boolean dropCr() {
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
      return true;
    }
    return false;
  }

  /** Octets kept, at most the capacity. */
  public int length() {
    return length;
  }

  /** The kept octets, {@code [0, length())}; valid until the next change. */
  public byte[] array() {
    return bytes;
  }

  /** The kept octets as a buffer (indexes {@code [0, length())}); valid until the next change. */
  public ByteBuf view() {
    return view;
  }

  /** Forgets the line: the next octet starts a new one. */
  public void clear() {
    length = 0;
  }
}
