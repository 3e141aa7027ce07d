package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.Pop3CommandDecoder;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3ResponseEncoder;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.net.StartTls;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.policy.Decision;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
 * Two forms of each step: the {@code Mono} one completes when its reply is written; the one named
 * {@code ...Now} writes straight to the channel and returns at once, for sessions written as
 * event-loop code (a reply needs no operator chain, and replies still go out in call order).
 */
public final class Pop3Wire {

  public static final String DECODER = "mailgate.pop3.decoder";
  public static final String ENCODER = "mailgate.pop3.encoder";

  private final Connection connection;
  private final SessionContext context;
  private final Pop3ServerSettings settings;
  private volatile Pop3CommandDecoder decoder;
  private int errors;
  /** Made once: a capturing lambda per answered command is an object per command. */
  private final Runnable commandCompleted = () -> decoder.commandCompleted();

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
   * Writes one response (not a streamed body) straight to the channel, flushed, and returns the
   * write. A write that fails closes the connection: a session whose reply was lost must not wait
   * for the client's next command (a closed connection ends it).
   */
  public ChannelFuture write(Object response) {
    return connection.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  /** {@link #answer} without waiting: writes the answer and frees the command's pipelining slot. */
  public void answerNow(Object response) {
    write(response);
    completedNow();
  }

  /** Frees the current command's pipelining slot, on the event loop (at once when called there). */
  public void completedNow() {
    runOnLoop(commandCompleted);
  }

  /** {@link #expectSaslResponse} without waiting; call before writing the {@code +} line. */
  public void expectSaslResponseNow() {
    runOnLoop(() -> decoder.expectSaslResponse());
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
        ? answer(TOO_MANY_COMMANDS).thenReturn(false)
        : Mono.just(true));
  }

  /**
   * {@link #commandAllowed()} decided at once, when the rules decide in memory (no lookups): true,
   * or false with the refusal answered; null when they must be asked with {@link
   * #commandAllowed()}.
   */
  public Boolean commandAllowedNow() {
    Decision d = context.policies().commandNow();
    if (d == null) {
      return null;
    }
    if (d.isDeny()) {
      answerNow(TOO_MANY_COMMANDS);
      return Boolean.FALSE;
    }
    return Boolean.TRUE;
  }

  private static final Pop3Response.Status TOO_MANY_COMMANDS =
      Pop3Response.Status.err(Pop3RespCode.SYS_TEMP, "too many commands, try again later");

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
          if (tooManyErrors()) {
            return send(TOO_MANY_ERRORS).thenReturn(true);
          }
          return answer(reply).thenReturn(false);
        });
  }

  /** Maps a decoder failure to its {@code -ERR} (PRODUCT.md's table) and counts it. */
  public Mono<Boolean> refuse(DecodeFailure failure) {
    return refuse(reply(failure));
  }

  /**
   * {@link #refuse(Pop3Response.Status)} without waiting: null when the session goes on (the
   * reply is on its way), else the write of the closing reply, after which the caller ends it.
   */
  public ChannelFuture refuseNow(Pop3Response.Status reply) {
    if (tooManyErrors()) {
      return write(TOO_MANY_ERRORS);
    }
    answerNow(reply);
    return null;
  }

  /** {@link #refuse(DecodeFailure)} without waiting, as {@link #refuseNow(Pop3Response.Status)}. */
  public ChannelFuture refuseNow(DecodeFailure failure) {
    return refuseNow(reply(failure));
  }

  private static final Pop3Response.Status TOO_MANY_ERRORS = Pop3Response.Status.err("too many errors, closing connection");

  /** Counts one protocol error; true when that makes {@link Pop3ServerSettings#maxErrors()}. */
  private boolean tooManyErrors() {
    errors++;
    return errors >= settings.maxErrors();
  }

  private static Pop3Response.Status reply(DecodeFailure failure) {
    return switch (failure.error()) {
      case LINE_TOO_LONG -> Pop3Response.Status.err("line too long");
      case TOO_MANY_PIPELINED -> Pop3Response.Status.err(Pop3RespCode.SYS_TEMP, "too many pipelined commands");
      case UNKNOWN_COMMAND -> Pop3Response.Status.err("unknown command");
      case BAD_LINE_ENDING -> Pop3Response.Status.err("lines must end with CRLF");
      default -> Pop3Response.Status.err("syntax error");
    };
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

  /** Runs {@code r} on the event loop: now when called there, else as a task (in call order). */
  private void runOnLoop(Runnable r) {
    Channel ch = connection.channel();
    if (ch.eventLoop().inEventLoop()) {
      r.run();
    } else {
      ch.eventLoop().execute(r);
    }
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
