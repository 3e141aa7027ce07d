package dev.mailgate.gateway.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import reactor.core.publisher.Mono;

/**
 * Writes a session's own replies straight to its channel, for the dialogues a session answers
 * itself (greetings, pre-login replies, the login replayed to a backend). reactor-netty's {@code
 * outbound().send(..)} subscribes a send operator with its own queue and scheduling for every
 * call, made for streams of many buffers; a reply is one or two, so this skips that machinery (the
 * saving was below what the harness resolves: docs/performance.md, "What mailgate spends per
 * unit"). The writes enter the pipeline at its tail like reactor-netty's, so every outbound
 * handler (byte counters, TLS) still sees them, in call order.
 */
public final class ChannelWrites {

  private ChannelWrites() {}

  /**
   * On subscription, writes {@code buffers} in order and flushes once; completes when the last is
   * written, fails with the write's cause. The channel owns the buffers from then on, also on
   * failure (Netty releases what it could not write).
   */
  public static Mono<Void> write(Channel channel, ByteBuf... buffers) {
    if (buffers.length == 0) {
      return Mono.empty();
    }
    return Mono.defer(() -> {
      for (int i = 0; i < buffers.length - 1; i++) {
        // a promise of its own, not the void one: a failed write would otherwise be fired down
        // the pipeline as an exception; the last write fails the same way and reports it
        channel.write(buffers[i]);
      }
      return completion(channel.writeAndFlush(buffers[buffers.length - 1]));
    });
  }

  /** The outcome of a write already started, as a Mono. */
  public static Mono<Void> completion(ChannelFuture f) {
    return Mono.create(sink -> f.addListener(done -> {
      if (done.isSuccess()) {
        sink.success();
      } else {
        sink.error(done.cause());
      }
    }));
  }
}
