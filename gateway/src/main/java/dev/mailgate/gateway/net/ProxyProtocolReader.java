package dev.mailgate.gateway.net;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.proxy.ProxyHeader;
import dev.mailgate.codec.proxy.ProxyLimits;
import dev.mailgate.codec.proxy.ProxyProtocolDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * The PROXY protocol reader of PROXY-enabled listeners (HAProxy spec, v1 and v2): puts the
 * protocol-codecs {@link ProxyProtocolDecoder} and a one-shot catcher at the head of the pipeline,
 * reads, and emits the source address the header states. Both handlers leave the pipeline with
 * the header; the bytes that followed it go on to TLS or the session untouched.
 *
 * <p>A LOCAL command (a balancer's health check) or an UNKNOWN / UNIX family keeps the TCP peer as
 * the client (empty). A malformed header, a connection closed before the header, or no header
 * within {@link #HEADER_TIMEOUT} is an error, and the listener closes the connection.
 */
public final class ProxyProtocolReader implements ProxyHeaderReader {

  /** How long a trusted peer has to send its header (balancers send it at once). */
  public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

  static final String DECODER = "mailgate.proxyDecoder";
  static final String CATCHER = "mailgate.proxyCatcher";

  private final ProxyLimits limits;

  public ProxyProtocolReader(ProxyLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public ProxyProtocolReader() {
    this(ProxyLimits.DEFAULTS);
  }

  @Override
  public Mono<InetSocketAddress> read(Connection connection) {
    Sinks.One<InetSocketAddress> result = Sinks.one();
    ChannelPipeline p = connection.channel().pipeline();
    p.addFirst(CATCHER, new Catcher(result));
    p.addFirst(DECODER, new ProxyProtocolDecoder(limits));
    connection.channel().read();
    return result.asMono()
        .timeout(HEADER_TIMEOUT)
        .doOnError(e -> {
          remove(p, CATCHER);
          remove(p, DECODER);
        });
  }

  private static void remove(ChannelPipeline p, String name) {
    if (p.get(name) != null) {
      p.remove(name);
    }
  }

  /** Takes the decoder's one message off the pipeline and completes the read with it. */
  private static final class Catcher extends ChannelInboundHandlerAdapter {
    private final Sinks.One<InetSocketAddress> result;

    Catcher(Sinks.One<InetSocketAddress> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ProxyHeader h) {
        ctx.pipeline().remove(this);
        boolean proxied = h.command() == ProxyHeader.Command.PROXY && h.source() instanceof InetSocketAddress;
        if (proxied) {
          result.tryEmitValue((InetSocketAddress) h.source());
        } else {
          result.tryEmitEmpty();
        }
      } else if (msg instanceof DecodeFailure f) {
        result.tryEmitError(new IllegalArgumentException("bad PROXY header: " + f.detail()));
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.tryEmitError(new IllegalStateException("connection closed before the PROXY header"));
      ctx.fireChannelInactive();
    }
  }
}
