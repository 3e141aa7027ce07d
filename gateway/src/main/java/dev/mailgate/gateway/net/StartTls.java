package dev.mailgate.gateway.net;

import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TlsHandshake;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import reactor.core.publisher.Mono;

/**
 * Server-side STARTTLS (RFC 3207 SMTP, RFC 2595 section 3.1 IMAP / POP3 STLS, RFC 9051 section
 * 6.2.1): upgrades a plaintext connection in place and throws away everything the client pipelined
 * after the command, the CVE-2011-0411 class of attack (plaintext injected before the handshake
 * and answered as if it had come over TLS, RFC 3207 section 4.2).
 *
 * <p>How a session uses it, in order, on the connection's event loop:
 *
 * <ol>
 *   <li>send the positive reply in plaintext and wait for the write ({@code 220 2.0.0 Ready to
 *       start TLS}, {@code OK Begin TLS negotiation now}, {@code +OK Begin TLS});
 *   <li>forget any request it holds beyond the STARTTLS command (its own parser state too, if it
 *       decodes ByteBufs itself);
 *   <li>{@code StartTls.upgrade(context, tls, Map.of("imap-decoder", ImapDecoder::new))}: the named
 *       codecs are replaced by fresh instances (their buffered bytes are dropped), every message
 *       already delivered but not yet consumed through {@link SessionContext#receiveObject()} is
 *       dropped, and the TLS handler goes first in the pipeline;
 *   <li>on success, reset its state to the pre-login state (RFC 3207 section 4.2: forget EHLO, and
 *       offer AUTH now) and go on reading; on error, the connection is closed.
 * </ol>
 *
 * <p>Bytes still in the socket when the handler goes in are read as TLS records: a client that
 * pipelined plaintext fails its handshake, which is the intended outcome.
 */
public final class StartTls {

  /** Pipeline name of the server TLS handler (STARTTLS and implicit TLS). */
  public static final String HANDLER = "mailgate.tls";

  private StartTls() {}

  /**
   * Upgrades the session's connection to TLS; completes with the TLS session after the handshake.
   *
   * @param codecs pipeline codecs to replace by fresh instances (name to factory); may be empty
   */
  public static Mono<SSLSession> upgrade(
      SessionContext context, ServerTls tls, Map<String, Supplier<? extends ChannelHandler>> codecs) {
    Channel ch = context.connection().channel();
    return EventLoops.on(
        ch,
        () -> {
          ChannelPipeline p = ch.pipeline();
          if (context.isTls() || p.get(HANDLER) != null) {
            return Mono.error(new IllegalStateException("TLS already active on " + context));
          }
          // Removing a decoder fires its buffered bytes downstream, past the counter: they are
          // counted below and dropped by SessionContext.receiveObject(). (pipeline.replace would hand
          // them to the new decoder instead.)
          for (Map.Entry<String, Supplier<? extends ChannelHandler>> e : codecs.entrySet()) {
            List<String> names = p.names();
            String next = names.get(names.indexOf(e.getKey()) + 1);
            p.remove(e.getKey());
            p.addBefore(next, e.getKey(), e.getValue().get());
          }
          context.discardDelivered();
          context.tlsStarting();
          install(p, tls.newHandler());
          return TlsHandshake.await(ch, HANDLER).doOnNext(context::tls).doOnError(e -> context.tlsFailed());
        });
  }

  /**
   * Puts the TLS handler at the head of the pipeline, but behind the {@link WireMeter} when there is
   * one, so that the bytes counted are the encrypted bytes on the wire.
   */
  static void install(ChannelPipeline p, ChannelHandler tlsHandler) {
    if (p.get(WireMeter.NAME) != null) {
      p.addAfter(WireMeter.NAME, HANDLER, tlsHandler);
    } else {
      p.addFirst(HANDLER, tlsHandler);
    }
  }
}
