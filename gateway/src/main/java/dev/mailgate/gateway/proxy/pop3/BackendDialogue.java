package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.pop3.MultiLineBodyDecoder;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3CommandEncoder;
import dev.mailgate.codec.pop3.Pop3Limits;
import dev.mailgate.codec.pop3.Pop3ResponseDecoder;
import dev.mailgate.gateway.backend.BackendConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;

/**
 * The codecs of the backend leg during login replay ({@link Pop3BackendReplay}): the codec's
 * {@link Pop3ResponseDecoder} (told of each command with {@link #expect}) and the command encoder,
 * in the backend channel's pipeline. When the login is done, {@link #detach()} removes them; bytes
 * the decoder still held go on to the relay as raw buffers.
 */
final class BackendDialogue {

  static final String DECODER = "mailgate.pop3.backendDecoder";
  static final String ENCODER = "mailgate.pop3.backendEncoder";
  /** The most of a multi-line response (CAPA) kept during login replay. */
  static final int MAX_LISTING = 8192;

  private final BackendConnection backend;
  private final Pop3Limits limits;
  private Pop3ResponseDecoder decoder;

  BackendDialogue(BackendConnection backend, Pop3Limits limits) {
    this.backend = backend;
    this.limits = limits;
  }

  BackendConnection backend() {
    return backend;
  }

  /** Installs the codecs; on the event loop. */
  void attach() {
    ChannelPipeline p = backend.connection().channel().pipeline();
    decoder = new Pop3ResponseDecoder(limits, MultiLineBodyDecoder.Mode.UNSTUFF);
    p.addBefore(NettyPipeline.ReactiveBridge, DECODER, decoder);
    p.addBefore(NettyPipeline.ReactiveBridge, ENCODER, new Pop3CommandEncoder());
  }

  /** Tells the decoder whether {@code cmd}'s response is multi-line; before it is written. */
  void expect(Pop3Command cmd) {
    decoder.expect(cmd);
  }

  /**
   * Replaces the decoder by a fresh one, on the event loop: after the backend's STLS {@code +OK},
   * anything that came with it is plaintext that must not be trusted (RFC 2595); the old decoder
   * passes it on as raw buffers, which the replay drops.
   */
  void resetDecoder() {
    ChannelPipeline p = backend.connection().channel().pipeline();
    decoder = new Pop3ResponseDecoder(limits, MultiLineBodyDecoder.Mode.UNSTUFF);
    // remove-then-add: pipeline.replace would hand the buffered bytes to the new decoder
    String next = p.names().get(p.names().indexOf(DECODER) + 1);
    p.remove(DECODER);
    p.addBefore(next, DECODER, decoder);
  }

  /** Removes the codecs: from now on the backend's bytes are raw ByteBufs (for the relay). */
  Mono<Void> detach() {
    Channel ch = backend.connection().channel();
    return Mono.defer(() -> {
      if (ch.eventLoop().inEventLoop()) {
        removeCodecs();
        return Mono.empty();
      }
      return Mono.<Void>create(sink -> ch.eventLoop().execute(() -> {
        removeCodecs();
        sink.success();
      }));
    });
  }

  private void removeCodecs() {
    ChannelPipeline p = backend.connection().channel().pipeline();
    if (p.get(ENCODER) != null) {
      p.remove(ENCODER);
    }
    if (p.get(DECODER) != null) {
      p.remove(DECODER);
    }
  }
}
