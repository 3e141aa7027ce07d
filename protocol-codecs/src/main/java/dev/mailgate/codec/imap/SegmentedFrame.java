package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * The storage both frames share: lines without CRLF and literals as zero-copy retained slices, in
 * wire order {@code line0 literal0 line1 ... lineN}, all released with the frame.
 */
abstract class SegmentedFrame extends AbstractReferenceCounted implements ImapSegments {
  private static final ByteBuf[] NONE = new ByteBuf[0];

  private final ByteBuf[] lines;
  private final ByteBuf[] literals;

  SegmentedFrame(ByteBuf[] lines, ByteBuf[] literals) {
    this.lines = lines;
    this.literals = literals == null ? NONE : literals;
  }

  @Override
  public int lineCount() {
    return lines.length;
  }

  /** Line {@code i} without CRLF. Not retained: slice or retain it to keep it past the frame. */
  @Override
  public ByteBuf line(int i) {
    return lines[i];
  }

  @Override
  public int literalCount() {
    return literals.length;
  }

  /** Literal {@code i}'s bytes. Not retained. */
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
}
