package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a literal too large to aggregate ({@link ImapLimits#maxInlineLiteral()}), typically an
 * APPEND message: a zero-copy retained slice of the received bytes. The chunks follow the {@link
 * ImapCommandFrame} whose {@link ImapCommandFrame#streamedLiteralSize()} announced them; the one
 * with {@code last} set completes the literal, and a continuation frame with the rest of the
 * command line follows. The receiver must release every chunk.
 */
public final class ImapLiteralChunk extends DefaultByteBufHolder {
  private final boolean last;

  public ImapLiteralChunk(ByteBuf content, boolean last) {
    super(content);
    this.last = last;
  }

  /** True for the chunk that ends the literal. */
  public boolean last() {
    return last;
  }

  @Override
  public ImapLiteralChunk replace(ByteBuf content) {
    return new ImapLiteralChunk(content, last);
  }

  @Override
  public String toString() {
    return "ImapLiteralChunk(" + content().readableBytes() + (last ? ", last)" : ")");
  }
}
