package dev.mailgate.codec;

import io.netty.buffer.ByteBuf;

/**
 * Finds where client commands end in a stream of bytes that is otherwise not decoded (the proxy
 * relay after login paces commands by it). Incremental: an implementation carries what it needs
 * across buffers in a few fields, holds no bytes beyond a fixed tail, and gives the same ends for
 * any split of the stream. It never reads or modifies the buffer's indices.
 */
public interface CommandEnds {
  /** {@link #next}: no command ends in the range; it was consumed and its state carried over. */
  int NONE = -1;

  /**
   * The index just past the next command end in {@code in[from, to)}, the range before it being
   * consumed (the next call starts there), or {@link #NONE} when the whole range was consumed
   * without one.
   */
  int next(ByteBuf in, int from, int to);
}
