package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.MultiLineBodyDecoder;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3CommandEncoder;
import dev.mailgate.codec.pop3.Pop3Limits;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3ResponseDecoder;
import dev.mailgate.gateway.backend.BackendConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;

/**
 * The gateway as a POP3 client of a backend during login replay: sends one command at a time and
 * reads its response with the codec's {@link Pop3ResponseDecoder} (announcing each command with
 * {@code expect}). Multi-line bodies (CAPA) are kept only up to {@link #MAX_LISTING} octets. When
 * the login is done, {@link #detach()} removes the codecs; bytes the decoder still held go on to
 * the relay as raw buffers.
 */
final class BackendDialogue {

  static final String DECODER = "mailgate.pop3.backendDecoder";
  static final String ENCODER = "mailgate.pop3.backendEncoder";
  /** The most of a multi-line response (CAPA) kept during login replay. */
  static final int MAX_LISTING = 8192;

  /** A backend response: a status line or challenge, plus the lines of a multi-line body. */
  record Reply(Pop3Response head, List<String> lines) {
    boolean ok() {
      return head instanceof Pop3Response.Status s && s.ok();
    }
  }

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

  /** Installs the codecs (on the event loop). */
  Mono<Void> attach() {
    return onLoop(() -> {
      ChannelPipeline p = backend.connection().channel().pipeline();
      decoder = new Pop3ResponseDecoder(limits, MultiLineBodyDecoder.Mode.UNSTUFF);
      p.addBefore(NettyPipeline.ReactiveBridge, DECODER, decoder);
      p.addBefore(NettyPipeline.ReactiveBridge, ENCODER, new Pop3CommandEncoder());
    });
  }

  /**
   * Replaces the decoder by a fresh one, dropping what it had buffered: after the backend's STLS
   * {@code +OK}, anything that came with it is plaintext that must not be trusted (RFC 2595).
   */
  Mono<Void> resetDecoder() {
    return onLoop(() -> {
      ChannelPipeline p = backend.connection().channel().pipeline();
      decoder = new Pop3ResponseDecoder(limits, MultiLineBodyDecoder.Mode.UNSTUFF);
      // remove-then-add: pipeline.replace would hand the buffered bytes to the new decoder
      String next = p.names().get(p.names().indexOf(DECODER) + 1);
      p.remove(DECODER);
      p.addBefore(next, DECODER, decoder);
    });
  }

  /** Removes the codecs: from now on the backend's bytes are raw ByteBufs (for the relay). */
  Mono<Void> detach() {
    return onLoop(() -> {
      ChannelPipeline p = backend.connection().channel().pipeline();
      if (p.get(ENCODER) != null) {
        p.remove(ENCODER);
      }
      if (p.get(DECODER) != null) {
        p.remove(DECODER);
      }
    });
  }

  /** The greeting (the first line the backend sends). */
  Mono<Reply> greeting() {
    return read(false);
  }

  /** Sends {@code cmd} and reads its response (multi-line bodies when {@code +OK}). */
  Mono<Reply> command(Pop3Command cmd) {
    boolean multi = Pop3CommandEncoder.expectsMultiLine(cmd);
    return onLoop(() -> decoder.expect(cmd))
        .then(backend.connection().outbound().sendObject(cmd).then())
        .then(read(multi));
  }

  /** Sends a raw line that is not a command (a SASL answer) and reads the response. */
  Mono<Reply> saslLine(Pop3Command.SaslResponse line) {
    return backend.connection().outbound().sendObject(line).then().then(read(false));
  }

  private Mono<Reply> read(boolean multiLine) {
    List<String> lines = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    Pop3Response[] head = new Pop3Response[1];
    int[] kept = new int[1];
    return backend.receive()
        .skipWhile(o -> o instanceof ByteBuf) // plaintext dropped at STLS by resetDecoder()
        .takeUntil(o -> o instanceof DecodeFailure
            || o == Pop3Response.BodyEnd.INSTANCE
            || (!multiLine || !(o instanceof Pop3Response.Status s) || !s.ok()) && o instanceof Pop3Response)
        .doOnNext(o -> {
          if (o instanceof Pop3Response r && head[0] == null) {
            head[0] = r;
          } else if (o instanceof ByteBuf b && kept[0] + b.readableBytes() <= MAX_LISTING) {
            kept[0] += b.readableBytes();
            partial.append(b.toString(StandardCharsets.UTF_8));
          }
        })
        .then(Mono.defer(() -> {
          if (head[0] == null) {
            return Mono.error(new BackendProtocolException("backend closed the connection or sent a malformed response"));
          }
          // CRLF-separated lines, by hand: a two-character split compiles a pattern per call
          String text = partial.toString();
          for (int from = 0; from < text.length(); ) {
            int end = text.indexOf("\r\n", from);
            int stop = end < 0 ? text.length() : end;
            if (stop > from) {
              lines.add(text.substring(from, stop));
            }
            from = end < 0 ? text.length() : end + 2;
          }
          return Mono.just(new Reply(head[0], lines));
        }));
  }

  private Mono<Void> onLoop(Runnable r) {
    Channel ch = backend.connection().channel();
    return Mono.defer(() -> {
      if (ch.eventLoop().inEventLoop()) {
        r.run();
        return Mono.empty();
      }
      return Mono.<Void>create(sink -> ch.eventLoop().execute(() -> {
        r.run();
        sink.success();
      }));
    });
  }

  /** The backend broke the protocol or went away during login replay. */
  static final class BackendProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BackendProtocolException(String message) {
      super(message);
    }
  }
}
