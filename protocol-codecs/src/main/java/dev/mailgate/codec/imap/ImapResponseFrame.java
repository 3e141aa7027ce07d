package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One complete server response (RFC 9051 section 7): its lines without CRLF and its literals as
 * zero-copy retained slices, {@code line0 literal0 line1 ... lineN}. Release when done.
 */
public final class ImapResponseFrame extends AbstractReferenceCounted implements ImapSegments {
  private final ByteBuf[] lines;
  private final ByteBuf[] literals;

  ImapResponseFrame(ByteBuf[] lines, ByteBuf[] literals) {
    this.lines = lines;
    this.literals = literals;
  }

  @Override
  public int lineCount() {
    return lines.length;
  }

  @Override
  public ByteBuf line(int i) {
    return lines[i];
  }

  @Override
  public int literalCount() {
    return literals.length;
  }

  @Override
  public ByteBuf literal(int i) {
    return literals[i];
  }

  @Override
  protected void deallocate() {
    for (ByteBuf b : lines) {
      b.release();
    }
    for (ByteBuf b : literals) {
      b.release();
    }
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    for (ByteBuf b : lines) {
      b.touch(hint);
    }
    return this;
  }

  @Override
  public String toString() {
    return "ImapResponseFrame(lines=" + lines.length + ", literals=" + literals.length + ")";
  }
}
