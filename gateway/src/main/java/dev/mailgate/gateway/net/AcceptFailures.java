package dev.mailgate.gateway.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when a listener cannot accept connections, most often because the process ran
 * out of file descriptors (EMFILE; each relayed session holds two). reactor-netty's acceptor,
 * next in the server channel's pipeline, stops accepting for a second on such a failure and says
 * nothing above DEBUG, so without this an administrator would only see clients waiting in the
 * accept queue. The first failure is logged at once, then at most one line every
 * {@link #QUIET_NANOS} with the count of the failures in between: a failed accept repeats for as
 * long as the limit is reached.
 *
 * <p>One per listener, on the server channel's event loop only.
 */
final class AcceptFailures extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptFailures.class);
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String listener;
  private long lastLogged;
  private boolean logged;
  private long unlogged;

  AcceptFailures(String listener) {
    this.listener = listener;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    long now = System.nanoTime();
    if (!logged || now - lastLogged >= QUIET_NANOS) {
      LOG.warn("listener {}: cannot accept connections: {}; accepting again in 1 s{} (each relayed session holds "
              + "two file descriptors: see LimitNOFILE in docs/operations.md)", listener, cause.getMessage(),
          unlogged == 0 ? "" : " (" + unlogged + " more failures since the last line)");
      logged = true;
      lastLogged = now;
      unlogged = 0;
    } else {
      unlogged++;
    }
    ctx.fireExceptionCaught(cause); // reactor-netty's acceptor pauses accepting
  }
}
