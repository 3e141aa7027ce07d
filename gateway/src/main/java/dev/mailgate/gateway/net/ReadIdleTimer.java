package dev.mailgate.gateway.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a callback when nothing has been read for the idle timeout, and again each timeout after
 * that while the connection stays idle. One per connection, for its whole life; the timeout is
 * changed in place ({@link #timeout(Duration)}), which restarts the idle clock.
 *
 * <p>Why not reactor-netty's {@code onReadIdle}: every change swaps an {@code IdleStateHandler} in
 * and out of the pipeline (a pipeline mutation, a timer cancelled and another set), twice for every
 * proxied login. Here a read only stores the time, and a change that lengthens the timeout leaves
 * the pending check alone: when it fires early it looks at the clock and sets itself for the rest.
 *
 * <p>Touched only on the channel's event loop; time is the loop's own clock ({@code ticker()}), the
 * one its scheduled tasks run by.
 */
final class ReadIdleTimer extends ChannelInboundHandlerAdapter {

  static final String NAME = "mailgate.readIdle";

  private final Runnable onIdle;
  private long timeoutNanos;
  private long lastRead;
  /** The pending check, null when none is; it runs at {@link #checkAt} (the loop's ticker). */
  private ScheduledFuture<?> check;
  private long checkAt;
  private ChannelHandlerContext ctx;

  ReadIdleTimer(Duration timeout, Runnable onIdle) {
    this.timeoutNanos = Math.max(1, timeout.toNanos());
    this.onIdle = onIdle;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastRead = now();
    schedule(lastRead + timeoutNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastRead = now();
    ctx.fireChannelRead(msg);
  }

  /** The new timeout, counted from now. */
  void timeout(Duration timeout) {
    if (ctx == null) {
      timeoutNanos = Math.max(1, timeout.toNanos());
      return;
    }
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> timeout(timeout));
      return;
    }
    timeoutNanos = Math.max(1, timeout.toNanos());
    lastRead = now();
    long due = lastRead + timeoutNanos;
    if (check == null || due - checkAt < 0) {
      cancel();
      schedule(due);
    }
  }

  private void check() {
    check = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = now();
    long due = lastRead + timeoutNanos;
    if (due - now > 0) {
      schedule(due);
      return;
    }
    schedule(now + timeoutNanos);
    onIdle.run();
  }

  private void schedule(long at) {
    checkAt = at;
    check = ctx.executor().schedule(this::check, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
  }

  private long now() {
    return ctx.executor().ticker().nanoTime();
  }

  private void cancel() {
    ScheduledFuture<?> c = check;
    check = null;
    if (c != null) {
      c.cancel(false);
    }
  }
}
