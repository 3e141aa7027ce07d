package dev.mailgate.gateway.net;

import dev.mailgate.gateway.logging.SessionMdc;
import dev.mailgate.gateway.session.SessionRecord;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;

/**
 * Counts a session's bytes as they cross the socket, into its {@link SessionRecord} and the
 * per-protocol byte counters. It sits at the head of the pipeline, ahead of the TLS handler (which
 * {@link StartTls} and implicit TLS insert right after it), so the counts are wire bytes: TLS
 * records, and everything a relay passes through after login.
 *
 * <p>It also puts the session id into the MDC while an inbound event travels up the pipeline: a
 * reactive session runs its steps synchronously inside that read, so its log lines carry the id
 * without each step setting it.
 */
final class WireMeter extends ChannelDuplexHandler {

  static final String NAME = "mailgate.wire";

  private final String sessionId;
  private final SessionRecord record;
  private final Counter in;
  private final Counter out;
  /** The peer ended its side: end of input (FIN) seen. */
  private volatile boolean peerEnded;
  /** Something on this side asked for the close (the session, a timeout, a kick). */
  private volatile boolean closedHere;

  WireMeter(String sessionId, SessionRecord record, Counter in, Counter out) {
    this.sessionId = sessionId;
    this.record = record;
    this.in = in;
    this.out = out;
  }

  @Override
  @SuppressWarnings("try") // the scope is only closed, never read
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    long n = size(msg);
    if (n > 0) {
      record.addBytesIn(n);
      in.increment(n);
    }
    try (SessionMdc.Scope s = SessionMdc.open(sessionId)) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  @SuppressWarnings("try")
  public void channelInactive(ChannelHandlerContext ctx) {
    try (SessionMdc.Scope s = SessionMdc.open(sessionId)) {
      ctx.fireChannelInactive();
    }
  }

  @Override
  @SuppressWarnings("try")
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
      peerEnded = true;
    }
    try (SessionMdc.Scope s = SessionMdc.open(sessionId)) {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // counted when handed to the socket; a write that then fails is the session's end anyway
    long n = size(msg);
    if (n > 0) {
      record.addBytesOut(n);
      out.increment(n);
    }
    ctx.write(msg, promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closedHere = true;
    ctx.close(promise);
  }

  /**
   * Whether the client ended the connection: it closed its side first, or the socket went away
   * (reset, I/O error) without anyone here closing it. Read once the channel is closed.
   */
  boolean closedByPeer() {
    return peerEnded || !closedHere;
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return 0;
  }
}
