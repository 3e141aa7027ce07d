package dev.mailgate.gateway.net;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * How large one socket read may be, for every channel mailgate opens or accepts.
 *
 * <p>Set when the channel is created, not later: Netty builds a channel's read sizing once, at its
 * first read, and keeps it, so an allocator set after a session has read its greeting or login
 * never applies (the relay used to set it at its start, and its reads still grew to Netty's
 * 64 KiB). What a relay or a paced relay may hold is counted in these reads.
 */
public final class ReadSizes {

  /** The largest single read, in bytes. */
  public static final int MAX = 32 * 1024;

  /** Netty's adaptive sizing (starts at 2 KiB, follows what the socket gives), capped at {@link #MAX}. */
  public static final RecvByteBufAllocator ALLOCATOR = new AdaptiveRecvByteBufAllocator(64, 2048, MAX);

  private ReadSizes() {}
}
