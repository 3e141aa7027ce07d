package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;

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
public final class ImapCommandFrame extends SegmentedFrame {
  private final boolean continuation;
  private final long streamedLiteralSize;

  ImapCommandFrame(ByteBuf[] lines, ByteBuf[] literals, boolean continuation, long streamed) {
    super(lines, literals);
    this.continuation = continuation;
    this.streamedLiteralSize = streamed;
  }

  /** A single-line frame (tests, IDLE {@code DONE}, SASL responses). Takes ownership of {@code line}. */
  public static ImapCommandFrame ofLine(ByteBuf line) {
    return new ImapCommandFrame(new ByteBuf[] {line}, null, false, -1);
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
    return line(0).toString(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "ImapCommandFrame(lines=" + lineCount() + ", literals=" + literalCount()
        + (continuation ? ", continuation" : "")
        + (streamed() ? ", streamed=" + streamedLiteralSize : "") + ")";
  }
}
