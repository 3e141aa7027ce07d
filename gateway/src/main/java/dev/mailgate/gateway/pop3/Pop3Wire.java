package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.Pop3CommandDecoder;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3ResponseEncoder;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.net.StartTls;
import dev.mailgate.gateway.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The server side of one POP3 connection as the gateway's sessions see it: installs the command
 * decoder and response encoder, writes responses, tells the decoder when a command was answered
 * (RFC 2449 PIPELINING accounting), counts protocol errors, upgrades to TLS on STLS (RFC 2595
 * section 4, pipelined plaintext dropped) and removes the codecs when a relay takes over.
 *
 * <p>Used from one session at a time, one command at a time; decoder calls hop to the event loop.
 */
public final class Pop3Wire {

  public static final String DECODER = "mailgate.pop3.decoder";
  public static final String ENCODER = "mailgate.pop3.encoder";

  private final Connection connection;
  private final SessionContext context;
  private final Pop3ServerSettings settings;
  private volatile Pop3CommandDecoder decoder;
  private int errors;

  public Pop3Wire(Connection connection, SessionContext context, Pop3ServerSettings settings) {
    this.connection = connection;
    this.context = context;
    this.settings = settings;
  }

  public SessionContext context() {
    return context;
  }

  public Connection connection() {
    return connection;
  }

  public Pop3ServerSettings settings() {
    return settings;
  }

  /** Adds the codecs; call once, first thing in the session. */
  public void install() {
    decoder = new Pop3CommandDecoder(settings.limits());
    context.addCodec(DECODER, decoder);
    context.addCodec(ENCODER, new Pop3ResponseEncoder());
  }

  /** Writes one response (or a publisher of them: a streamed body); completes when written. */
  public Mono<Void> send(Object response) {
    if (response instanceof Publisher<?> p) {
      return connection.outbound().sendObject(p).then();
    }
    return connection.outbound().sendObject(response).then();
  }

  /** Writes the answer to the current command and frees its pipelining slot. */
  public Mono<Void> answer(Object response) {
    return send(response).then(completed());
  }

  /**
   * Commands per interval ({@code rate_limits} counting {@code commands}): completes with true when
   * this command may run, else answers {@code -ERR [SYS/TEMP]} (PRODUCT.md "How it answers") and
   * completes with false. A refusal leaves the session usable and is no protocol error: the
   * client did nothing wrong but go too fast. The refusal is counted under the rule's name.
   */
  public Mono<Boolean> commandAllowed() {
    var policies = context.policies();
    if (policies.isOff()) {
      return Mono.just(true);
    }
    return policies.command().flatMap(d -> d.isDeny()
        ? answer(Pop3Response.Status.err(Pop3RespCode.SYS_TEMP,
            "too many commands, try again later")).thenReturn(false)
        : Mono.just(true));
  }

  /** Frees the current command's pipelining slot (after its answer went out). */
  public Mono<Void> completed() {
    return onLoop(() -> decoder.commandCompleted());
  }

  /** The next client line answers a SASL challenge; call before sending the {@code +} line. */
  public Mono<Void> expectSaslResponse() {
    return onLoop(() -> decoder.expectSaslResponse());
  }

  /**
   * Answers a refused command with {@code reply} and counts it; past {@link
   * Pop3ServerSettings#maxErrors()} says so and returns true: the caller ends the session.
   */
  public Mono<Boolean> refuse(Pop3Response.Status reply) {
    return Mono.defer(
        () -> {
          errors++;
          if (errors >= settings.maxErrors()) {
            return send(Pop3Response.Status.err("too many errors, closing connection")).thenReturn(true);
          }
          return answer(reply).thenReturn(false);
        });
  }

  /** Maps a decoder failure to its {@code -ERR} (PRODUCT.md's table) and counts it. */
  public Mono<Boolean> refuse(DecodeFailure failure) {
    return refuse(switch (failure.error()) {
      case LINE_TOO_LONG -> Pop3Response.Status.err("line too long");
      case TOO_MANY_PIPELINED -> Pop3Response.Status.err(Pop3RespCode.SYS_TEMP, "too many pipelined commands");
      case UNKNOWN_COMMAND -> Pop3Response.Status.err("unknown command");
      case BAD_LINE_ENDING -> Pop3Response.Status.err("lines must end with CRLF");
      default -> Pop3Response.Status.err("syntax error");
    });
  }

  /**
   * STLS accepted: answers {@code +OK}, drops what the client pipelined after the command, and
   * runs the handshake; completes when TLS is up (errors close the connection).
   */
  public Mono<Void> startTls(ServerTls tls) {
    return send(Pop3Response.Status.ok("Begin TLS negotiation"))
        .then(onLoop(() -> decoder.discardPipelined()))
        .then(StartTls.upgrade(context, tls, Map.of(DECODER, this::freshDecoder)))
        .then();
  }

  private Pop3CommandDecoder freshDecoder() {
    Pop3CommandDecoder d = new Pop3CommandDecoder(settings.limits());
    decoder = d;
    return d;
  }

  /**
   * Removes both codecs so a raw relay can take over. Bytes the decoder held flow on as ByteBufs
   * through {@link SessionContext#receiveObject()}, after any commands it already decoded.
   */
  public Mono<Void> removeCodecs() {
    return onLoop(
        () -> {
          ChannelPipeline p = connection.channel().pipeline();
          if (p.get(ENCODER) != null) {
            p.remove(ENCODER);
          }
          if (p.get(DECODER) != null) {
            p.remove(DECODER);
          }
        });
  }

  /** Runs {@code r} on the event loop when subscribed (decoder state belongs to the loop). */
  private Mono<Void> onLoop(Runnable r) {
    Channel ch = connection.channel();
    return Mono.defer(
        () -> {
          if (ch.eventLoop().inEventLoop()) {
            r.run();
            return Mono.empty();
          }
          return Mono.<Void>create(
              sink ->
                  ch.eventLoop().execute(
                      () -> {
                        r.run();
                        sink.success();
                      }));
        });
  }
}
