package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;

/**
 * One complete server response (RFC 9051 section 7): its lines without CRLF and its literals as
 * zero-copy retained slices, {@code line0 literal0 line1 ... lineN}. Release when done.
 */
public final class ImapResponseFrame extends SegmentedFrame {
  ImapResponseFrame(ByteBuf[] lines, ByteBuf[] literals) {
    super(lines, literals);
  }

  @Override
  public String toString() {
    return "ImapResponseFrame(lines=" + lineCount() + ", literals=" + literalCount() + ")";
  }
}
