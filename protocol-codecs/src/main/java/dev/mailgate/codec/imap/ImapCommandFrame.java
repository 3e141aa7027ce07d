package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One framed client command (RFC 3501 section 2.2.1): its lines without CRLF and its literals as
 * zero-copy retained slices, in wire order {@code line0 literal0 line1 literal1 ... lineN}. A line
 * that announced a literal still ends with its marker ({@code {5}}, {@code ~{5+}}), so the parser
 * sees the grammar unchanged.
 *
 * <p><b>Streaming.</b> When the last line announces a literal larger than {@link
 * ImapLimits#maxInlineLiteral()} the frame is a <em>head</em>: {@link #streamedLiteralSize()} is
 * the announced size, and the literal follows as {@link ImapLiteralChunk}s; after the last chunk
 * the framer emits a <em>continuation</em> frame ({@link #continuation()} true) whose first line
 * is the rest of the command after the literal (empty for a plain APPEND, another message for
 * MULTIAPPEND). A plain command is a frame that is neither a continuation nor streamed.
 *
 * <p>Release the frame when done; that releases every slice.
 */
public final class ImapCommandFrame extends AbstractReferenceCounted implements ImapSegments {
  private static final ByteBuf[] NO_LITERALS = new ByteBuf[0];

  private final ByteBuf[] lines;
  private final ByteBuf[] literals;
  private final boolean continuation;
  private final long streamedLiteralSize;

  ImapCommandFrame(ByteBuf[] lines, ByteBuf[] literals, boolean continuation, long streamed) {
    this.lines = lines;
    this.literals = literals == null ? NO_LITERALS : literals;
    this.continuation = continuation;
    this.streamedLiteralSize = streamed;
  }

  /** A single-line frame (tests, IDLE {@code DONE}, SASL responses). Takes ownership of {@code line}. */
  public static ImapCommandFrame ofLine(ByteBuf line) {
    return new ImapCommandFrame(new ByteBuf[] {line}, null, false, -1);
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

  /** True when this frame carries the rest of a command after a streamed literal. */
  public boolean continuation() {
    return continuation;
  }

  /** True when a streamed literal of {@link #streamedLiteralSize()} octets follows as chunks. */
  public boolean streamed() {
    return streamedLiteralSize >= 0;
  }

  /** Size of the literal that follows as chunks, or -1. */
  public long streamedLiteralSize() {
    return streamedLiteralSize;
  }

  /** The first line decoded as ASCII, for logs of non-sensitive lines and tests. */
  public String firstLineAscii() {
    return lines[0].toString(java.nio.charset.StandardCharsets.ISO_8859_1);
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
    return "ImapCommandFrame(lines=" + lines.length + ", literals=" + literals.length
        + (continuation ? ", continuation" : "")
        + (streamed() ? ", streamed=" + streamedLiteralSize : "") + ")";
  }
}
