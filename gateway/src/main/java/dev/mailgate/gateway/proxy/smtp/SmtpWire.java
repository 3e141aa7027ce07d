package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandEncoder;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.net.ChannelWrites;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes commands to one backend connection and reads the replies: the only class here that touches
 * the connection's outbound side. A group of commands is one write (RFC 2920 3.1: the client may
 * send a group without waiting; the replies come in order).
 */
final class SmtpWire {

  private final BackendConnection connection;
  private final ReplyReader replies;
  private final BackendSmtpLimits limits;

  SmtpWire(BackendConnection connection, BackendSmtpLimits limits) {
    this.connection = connection;
    this.limits = limits;
    this.replies = new ReplyReader(limits, connection::close);
    replies.attach(connection);
  }

  BackendConnection connection() {
    return connection;
  }

  BackendSmtpLimits limits() {
    return limits;
  }

  ReplyReader replies() {
    return replies;
  }

  boolean broken() {
    return replies.failed() || connection.connection().isDisposed();
  }

  /** Writes {@code commands} in one buffer. A CR or LF in any of them fails before anything is sent. */
  Mono<Void> send(List<? extends SmtpCommand> commands) {
    return Mono.defer(() -> {
      ByteBuf out = channel().alloc().buffer();
      try {
        for (SmtpCommand c : commands) {
          SmtpCommandEncoder.encode(c, out);
        }
      } catch (RuntimeException e) {
        out.release();
        return Mono.error(e);
      }
      return ChannelWrites.write(channel(), out);
    });
  }

  /** Sends one command and reads its reply within the command timeout. */
  Mono<SmtpReply> exchange(SmtpCommand command) {
    return send(List.of(command)).then(reply());
  }

  /** A command line of a verb and a secret argument (AUTH with an initial response, a SASL answer). */
  Mono<SmtpReply> exchangeSecret(String prefix, Secret secret) {
    return Mono.defer(() -> {
      ByteBuf out = channel().alloc().buffer();
      out.writeCharSequence(prefix, StandardCharsets.US_ASCII);
      byte[] b = secret.bytes();
      out.writeBytes(b);
      java.util.Arrays.fill(b, (byte) 0);
      out.writeByte('\r').writeByte('\n');
      return ChannelWrites.write(channel(), out).then(reply());
    });
  }

  /**
   * Streams buffers as they come (a message's content) through reactor-netty's send, which takes
   * more only when the socket is writable and keeps up to 128 buffers meanwhile, so the client's
   * side keeps reading while the backend's socket drains. A writer asking for one buffer at a time
   * ({@code OutboundStream}, tried on 2026-12-07) stopped the client at every high-water mark:
   * 1 MB messages took twice as long (docs/performance.md). Command lines go through {@link
   * ChannelWrites} instead: send builds an operator with a 128-slot queue for every call, about
   * 1.3 KB of garbage per relayed message for the two command writes.
   */
  Mono<Void> write(Publisher<ByteBuf> buffers) {
    return connection.connection().outbound().send(Flux.from(buffers)).then();
  }

  /** Writes one buffer of command lines now and flushes; {@link ReplyCall}s use it on the loop. */
  ChannelFuture writeAndFlush(ByteBuf out) {
    return channel().writeAndFlush(out);
  }

  io.netty.buffer.ByteBufAllocator alloc() {
    return channel().alloc();
  }

  private Channel channel() {
    return connection.connection().channel();
  }

  Mono<SmtpReply> reply() {
    return replies.next(limits.commandTimeout());
  }

  Mono<SmtpReply> reply(Duration timeout) {
    return replies.next(timeout);
  }

  void close() {
    replies.dispose();
    connection.close();
  }
}
