package dev.mailgate.gateway.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts the inbound messages handed to the session (sits right before reactor-netty's bridge).
 * STARTTLS uses the count to know which already-delivered messages were pipelined plaintext.
 */
final class InboundCounter extends ChannelInboundHandlerAdapter {

  static final String NAME = "mailgate.inboundCounter";

  private volatile long delivered;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    delivered++;
    ctx.fireChannelRead(msg);
  }

  long delivered() {
    return delivered;
  }
}
