package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.gateway.backend.BackendHandover;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * Answers a relayed client's LOGOUT at the gateway when its backend session can serve another
 * login ({@link ParkedLogins}): {@code * BYE} and the tagged OK as the backend would, and the
 * backend connection is handed back to the session instead of receiving the LOGOUT. Sits in the
 * client's pipeline ahead of {@code RelayGoodbye}, so the {@link ImapRelayConversation} it asks
 * describes everything before this read.
 *
 * <p>Only a read that is exactly one {@code tag LOGOUT} line, arriving with nothing in flight, is
 * answered here; a LOGOUT pipelined behind other commands or split across reads goes to the backend
 * as before, which answers it the same way (the client cannot tell the difference, the backend
 * session just ends).
 */
final class LogoutHandover extends ChannelInboundHandlerAdapter {

  static final String NAME = "mailgate.imap-logout";
  /** A tag, a space, LOGOUT and CRLF fit in this; a longer read is not a lone LOGOUT worth keeping. */
  private static final int MAX_LINE = 72;
  private static final byte[] LOGOUT = "LOGOUT".getBytes(StandardCharsets.US_ASCII);

  private final ImapRelayConversation conversation;
  private final BackendHandover handover;
  private final Runnable handedOver;

  /**
   * @param handedOver called once the relay let go of the backend (the client's goodbye is being
   *     written)
   */
  LogoutHandover(ImapRelayConversation conversation, BackendHandover handover, Runnable handedOver) {
    this.conversation = conversation;
    this.handover = handover;
    this.handedOver = handedOver;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b && conversation.reusable()) {
      String tag = logoutTag(b);
      if (tag != null && handover.keepBackend(() -> {
        ctx.write(ImapResponseEncoder.untagged(ctx.alloc(), ImapStatus.BYE, null, "Logging out"));
        return ctx.writeAndFlush(ImapResponseEncoder.tagged(ctx.alloc(), tag, ImapStatus.OK, null, "LOGOUT completed"));
      })) {
        b.release();
        ctx.pipeline().remove(this);
        handedOver.run();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** The tag when {@code b} holds exactly {@code tag SP LOGOUT CRLF} (any case, LF alone too), else null. */
  static String logoutTag(ByteBuf b) {
    int from = b.readerIndex();
    int n = b.readableBytes();
    if (n < 8 || n > MAX_LINE || b.getByte(from + n - 1) != '\n') {
      return null;
    }
    int end = from + n - 1;
    if (b.getByte(end - 1) == '\r') {
      end--;
    }
    int space = b.indexOf(from, end, (byte) ' ');
    if (space <= from || end - space - 1 != LOGOUT.length) {
      return null;
    }
    for (int i = from; i < space; i++) {
      if (!tagChar(b.getByte(i))) {
        return null;
      }
    }
    for (int i = 0; i < LOGOUT.length; i++) {
      byte c = b.getByte(space + 1 + i);
      if ((c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c) != LOGOUT[i]) {
        return null;
      }
    }
    return b.toString(from, space - from, StandardCharsets.US_ASCII);
  }

  /** RFC 9051's tag: ASTRING-CHAR except "+", so no atom-specials but "]". */
  private static boolean tagChar(byte c) {
    return c > ' ' && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"'
        && c != '\\' && c != '+';
  }
}
