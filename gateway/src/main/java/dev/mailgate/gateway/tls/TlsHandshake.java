package dev.mailgate.gateway.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Completes when the TLS handshake on a channel finishes, whichever handler ran it (an {@link
 * SslHandler} directly, or an {@code SniHandler} that later replaced itself with one). Sessions must
 * not write before this: until then the SNI handler passes writes through in plaintext. It issues
 * the first read itself, since reactor-netty leaves auto-read off until a session subscribes.
 */
public final class TlsHandshake {

  private TlsHandshake() {}

  /**
   * Installs a listener right after the handler named {@code tlsHandlerName} and returns the
   * negotiated session, or an error when the handshake fails or the channel closes first.
   * Call it on the channel's event loop, right after adding the TLS handler.
   */
  public static Mono<SSLSession> await(Channel channel, String tlsHandlerName) {
    Mono<SSLSession> done = listen(channel, tlsHandlerName);
    // reactor-netty keeps auto-read off until the session subscribes to receive(); ask for the first
    // read so the ClientHello arrives (SslHandler and SniHandler ask for more while handshaking).
    channel.read();
    return done;
  }

  /** Like {@link #await} but issues no read: for when something else (a PROXY decoder) reads first. */
  public static Mono<SSLSession> listen(Channel channel, String tlsHandlerName) {
    Sinks.One<SSLSession> done = Sinks.one();
    listen(channel, tlsHandlerName, (session, failure) -> {
      if (failure == null) {
        done.tryEmitValue(session);
      } else {
        done.tryEmitError(failure);
      }
    });
    return done.asMono();
  }

  /**
   * Like {@link #listen(Channel, String)}, for a dialogue written as an event-loop state machine:
   * {@code done} is called once on the event loop, with the session or with the failure.
   */
  public static void listen(Channel channel, String tlsHandlerName, BiConsumer<SSLSession, Throwable> done) {
    channel.pipeline().addAfter(tlsHandlerName, tlsHandlerName + "-handshake", new Listener(done));
  }

  private static final class Listener extends ChannelInboundHandlerAdapter {
    private BiConsumer<SSLSession, Throwable> done;

    Listener(BiConsumer<SSLSession, Throwable> done) {
      this.done = done;
    }

    private void complete(SSLSession session, Throwable failure) {
      BiConsumer<SSLSession, Throwable> d = done;
      done = null;
      if (d != null) {
        d.accept(session, failure);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        ctx.pipeline().remove(this);
        if (e.isSuccess()) {
          SslHandler ssl = ctx.pipeline().get(SslHandler.class);
          complete(ssl.engine().getSession(), null);
        } else {
          complete(null, e.cause());
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      complete(null, new javax.net.ssl.SSLException("connection closed before the TLS handshake completed"));
      super.channelInactive(ctx);
    }
  }
}
