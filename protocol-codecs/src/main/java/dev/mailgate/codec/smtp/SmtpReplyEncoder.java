package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link SmtpReply}s (RFC 5321 4.2.1): {@code code-[enhanced ]text CRLF} for all but the
 * last line, {@code code SP [enhanced ]text CRLF} for the last. Text is UTF-8 (RFC 6531 3.7.4
 * allows it once SMTPUTF8 is in use; the session only sends what the client may receive). The
 * record already guarantees no CR or LF can be injected.
 */
@ChannelHandler.Sharable
public final class SmtpReplyEncoder extends MessageToByteEncoder<SmtpReply> {
  public static final SmtpReplyEncoder INSTANCE = new SmtpReplyEncoder();

  @Override
  protected void encode(ChannelHandlerContext ctx, SmtpReply reply, ByteBuf out) {
    encode(reply, out);
  }

  /** Appends the wire form of {@code reply} to {@code out}. */
  public static void encode(SmtpReply reply, ByteBuf out) {
    String enhanced = reply.enhancedCode() == null ? null : reply.enhancedCode().toString();
    int n = reply.lines().size();
    for (int i = 0; i < n; i++) {
      int code = reply.code();
      out.writeByte('0' + code / 100).writeByte('0' + code / 10 % 10).writeByte('0' + code % 10);
      out.writeByte(i == n - 1 ? ' ' : '-');
      String text = reply.lines().get(i);
      if (enhanced != null) {
        ByteBufUtil.writeAscii(out, enhanced);
        if (!text.isEmpty()) {
          out.writeByte(' ');
        }
      }
      ByteBufUtil.writeUtf8(out, text);
      out.writeByte('\r').writeByte('\n');
    }
  }
}
