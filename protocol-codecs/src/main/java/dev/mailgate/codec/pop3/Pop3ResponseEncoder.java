package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Server side: writes {@link Pop3Response}s (RFC 1939 section 3, RFC 2449 section 8, RFC 5034
 * section 4). Between {@link Pop3Response.BodyStart} and {@link Pop3Response.BodyEnd}, {@code
 * ByteBuf} messages are body chunks and are dot-stuffed by a {@link DotStuffer}; outside a body a
 * {@code ByteBuf} passes through untouched (raw relay).
 */
public final class Pop3ResponseEncoder extends MessageToMessageEncoder<Object> {
  private static final byte[] OK = {'+', 'O', 'K'};
  private static final byte[] ERR = {'-', 'E', 'R', 'R'};
  private static final byte[] CRLF = {'\r', '\n'};

  private final DotStuffer stuffer = new DotStuffer();
  private boolean inBody;

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Pop3Response || msg instanceof ByteBuf;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof ByteBuf chunk) {
      out.add(inBody ? stuffer.stuff(chunk, ctx.alloc()) : chunk.retain());
      return;
    }
    ByteBuf buf = ctx.alloc().buffer();
    write((Pop3Response) msg, buf);
    out.add(buf);
  }

  private void write(Pop3Response msg, ByteBuf buf) {
    if (msg instanceof Pop3Response.Status s) {
      writeStatus(s, buf);
    } else if (msg instanceof Pop3Response.Continuation c) {
      buf.writeByte('+').writeByte(' ');
      buf.writeCharSequence(c.base64(), StandardCharsets.US_ASCII);
      buf.writeBytes(CRLF);
    } else if (msg instanceof Pop3Response.Listing l) {
      writeStatus(Pop3Response.Status.ok(l.text()), buf);
      for (String line : l.lines()) {
        if (!line.isEmpty() && line.charAt(0) == '.') {
          buf.writeByte('.');
        }
        buf.writeCharSequence(line, StandardCharsets.UTF_8);
        buf.writeBytes(CRLF);
      }
      buf.writeByte('.').writeBytes(CRLF);
    } else if (msg instanceof Pop3Response.BodyStart b) {
      writeStatus(Pop3Response.Status.ok(b.text()), buf);
      stuffer.reset();
      inBody = true;
    } else if (msg == Pop3Response.BodyEnd.INSTANCE) {
      if (!inBody) {
        throw new IllegalStateException("BodyEnd without BodyStart");
      }
      stuffer.writeTerminator(buf);
      inBody = false;
    }
  }

  /** Writes {@code +OK}/{@code -ERR}, the optional {@code [CODE]} and the text, then CRLF. */
  public static void writeStatus(Pop3Response.Status s, ByteBuf buf) {
    buf.writeBytes(s.ok() ? OK : ERR);
    if (s.code() != null) {
      buf.writeByte(' ').writeByte('[');
      buf.writeCharSequence(s.code(), StandardCharsets.US_ASCII);
      buf.writeByte(']');
    }
    if (!s.text().isEmpty()) {
      buf.writeByte(' ');
      buf.writeCharSequence(s.text(), StandardCharsets.UTF_8);
    }
    buf.writeBytes(CRLF);
  }
}
