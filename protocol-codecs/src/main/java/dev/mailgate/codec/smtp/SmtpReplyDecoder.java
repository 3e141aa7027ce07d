package dev.mailgate.codec.smtp;

import dev.mailgate.codec.CrlfLineScanner;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side, for the backend leg: decodes replies (RFC 5321 4.2) into {@link SmtpReply}s,
 * joining multi-line replies ({@code 250-...} then {@code 250 ...}) and lifting the enhanced status
 * code (RFC 2034) off every line that carries it.
 *
 * <p>Strict and bounded: only CRLF ends a line (a bare CR or LF is BAD_LINE_ENDING); a line over
 * {@link SmtpLimits#maxReplyLineLength()} is LINE_TOO_LONG and dropped unbuffered to the next
 * CRLF; a reply of more than {@link SmtpLimits#maxReplyLines()} lines is TOO_MANY_PARAMETERS; a
 * line that is not {@code code [SP / "-" text]}, or whose code differs from the reply's first
 * line, is SYNTAX. After a failure inside a multi-line reply the rest of that reply (up to a line
 * {@code code SP}) is dropped, so the next reply starts clean. TAB in text becomes a space.
 */
public final class SmtpReplyDecoder extends ByteToMessageDecoder {
  private final SmtpLimits limits;
  private final List<String> lines = new ArrayList<>();
  private int code = -1;
  private final CrlfLineScanner scanner = CrlfLineScanner.smtp();
  private boolean discardingLine;
  private boolean discardLineIsLast;
  private boolean skippingToLast;

  public SmtpReplyDecoder(SmtpLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  public SmtpReplyDecoder() {
    this(SmtpLimits.DEFAULTS);
  }

  /** Bytes held between reads (for tests asserting the bound). */
  int bufferedBytes() {
    ByteBuf b = internalBuffer();
    return b.readableBytes();
  }

  /**
   * Decodes what {@code in} holds, outside a pipeline: for a reader that owns its connection's
   * inbound stream (the relay's backend leg) and would otherwise need a channel of its own per
   * connection to run this decoder. Every complete reply or {@link DecodeFailure} goes to {@code
   * out} and {@code in}'s reader index moves past it; an incomplete line stays in {@code in} for the
   * caller to keep and extend, bounded as in the pipeline (a line over the limit is dropped as it
   * arrives). The same rules as {@link #decode(ChannelHandlerContext, ByteBuf, List)}, which this
   * calls the way {@link ByteToMessageDecoder} does.
   */
  public void decodeAvailable(ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int before = in.readableBytes();
      decode(null, in, out);
      if (in.readableBytes() == before) {
        return; // an incomplete line: wait for more bytes
      }
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (discardingLine) {
      discardLine(in);
      return;
    }
    final int r = in.readerIndex();
    final int w = in.writerIndex();
    final int limit = limits.maxReplyLineLength();
    int lf = scanner.findLf(in, limit);
    if (lf < 0) {
      if (lf == CrlfLineScanner.TOO_LONG) {
        // continuation lines keep the rest of the reply coming: skip to its last line after
        discardLineIsLast = !(w - r > 3 && in.getByte(r + 3) == '-');
        scanner.startDiscard(in, r + limit);
        discardingLine = true;
        fail(ProtocolError.LINE_TOO_LONG, "reply line too long", !discardLineIsLast, out);
      }
      return;
    }
    int len = lf - 1 - r;
    boolean bad = !scanner.strictCrlf(in, lf);
    boolean last = len < 4 || in.getByte(r + 3) != '-';
    if (skippingToLast) {
      in.readerIndex(lf + 1);
      skippingToLast = !last;
      return;
    }
    if (bad) {
      in.readerIndex(lf + 1);
      fail(ProtocolError.BAD_LINE_ENDING, "bare CR or LF in reply", !last, out);
      return;
    }
    int lineCode = replyCode(in, r, len);
    if (lineCode < 0 || (code >= 0 && lineCode != code)) {
      in.readerIndex(lf + 1);
      fail(ProtocolError.SYNTAX, "malformed reply line", !last, out);
      return;
    }
    if (lines.size() >= limits.maxReplyLines()) {
      in.readerIndex(lf + 1);
      fail(ProtocolError.TOO_MANY_PARAMETERS, "too many reply lines", !last, out);
      return;
    }
    String text = len > 4 ? text(in, r + 4, len - 4) : "";
    in.readerIndex(lf + 1);
    if (text == null) {
      fail(ProtocolError.BAD_CHARACTER, "control character in reply", !last, out);
      return;
    }
    code = lineCode;
    lines.add(text);
    if (last) {
      out.add(finish());
    }
  }

  private SmtpReply finish() {
    EnhancedStatusCode enhanced = null;
    List<String> texts = lines;
    String first = lines.get(0);
    int end = code / 100 == 3 ? -1 : EnhancedStatusCode.parseLength(first, 0, first.length());
    if (end > 0 && first.charAt(0) - '0' == code / 100) {
      enhanced = EnhancedStatusCode.parse(first, 0, end);
      texts = new ArrayList<>(lines.size());
      for (String line : lines) {
        texts.add(line.regionMatches(0, first, 0, end) && (line.length() == end || line.charAt(end) == ' ')
            ? line.substring(Math.min(line.length(), end + 1)) : line);
      }
    }
    SmtpReply reply = new SmtpReply(code, enhanced, texts);
    lines.clear();
    code = -1;
    return reply;
  }

  private void fail(ProtocolError error, String detail, boolean moreFollow, List<Object> out) {
    lines.clear();
    code = -1;
    skippingToLast = moreFollow;
    out.add(DecodeFailure.of(error, detail));
  }

  private void discardLine(ByteBuf in) {
    if (scanner.discard(in)) {
      discardingLine = false;
    }
  }

  /** {@code Reply-code = %x32-35 %x30-35 %x30-39} followed by SP, "-" or the line end; or -1. */
  private static int replyCode(ByteBuf in, int r, int len) {
    if (len < 3) {
      return -1;
    }
    int a = in.getByte(r) - '0';
    int b = in.getByte(r + 1) - '0';
    int c = in.getByte(r + 2) - '0';
    if (a < 2 || a > 5 || b < 0 || b > 5 || c < 0 || c > 9) {
      return -1;
    }
    if (len > 3 && in.getByte(r + 3) != ' ' && in.getByte(r + 3) != '-') {
      return -1;
    }
    return a * 100 + b * 10 + c;
  }

  /** textstring = 1*(%d09 / %d32-126), UTF-8 allowed (RFC 6531); null on other controls. */
  private static String text(ByteBuf in, int from, int len) {
    byte[] b = new byte[len];
    in.getBytes(from, b);
    for (int i = 0; i < len; i++) {
      if (b[i] == '\t') {
        b[i] = ' ';
      } else if ((b[i] >= 0 && b[i] < 0x20) || b[i] == 0x7F) {
        return null;
      }
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
