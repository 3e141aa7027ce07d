package dev.mailgate.gateway.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.AbstractFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The promise of every write one {@link PipelineRelay} direction makes to its channel: it is never
 * completed, so one instance serves every write; a write that fails (or is cancelled) runs the
 * direction's failure action on the channel's event loop, as a listener on a promise of its own
 * would. A relayed write otherwise cost a {@code DefaultChannelPromise} and the notification of
 * its listener: about 40 of each per relayed megabyte, a sixth of the event loops' allocation in
 * {@code pop3_retr}.
 *
 * <p>Why not {@code voidPromise()}: its failure goes to the pipeline's {@code exceptionCaught},
 * where reactor-netty would take it for a read error, and {@code SslHandler} drops the failure of a
 * void promise altogether (it only passes failures on to a promise that is not void). This one
 * says it is not void, so TLS and every other handler hand its failure on as they would a
 * {@code DefaultChannelPromise}'s.
 *
 * <p>It takes no listeners ({@link #addListener} throws): a handler that needs to hear about a write
 * would wait forever on a promise that never completes. None in mailgate's pipelines does; one that
 * did would fail the write, and so end the relay, at once rather than leak.
 */
final class WriteFailurePromise extends AbstractFuture<Void> implements ChannelPromise {

  private final Channel channel;
  private final Runnable onFailure;

  WriteFailurePromise(Channel channel, Runnable onFailure) {
    this.channel = channel;
    this.onFailure = onFailure;
  }

  private void failed() {
    if (channel.eventLoop().inEventLoop()) {
      onFailure.run();
      return;
    }
    try {
      channel.eventLoop().execute(onFailure);
    } catch (RejectedExecutionException e) {
      // the loop is shut down: a DefaultChannelPromise's listener would not run either
    }
  }

  @Override
  public boolean tryFailure(Throwable cause) {
    failed();
    return true;
  }

  @Override
  public WriteFailurePromise setFailure(Throwable cause) {
    failed();
    return this;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    failed(); // a cancelled write did not happen: as a failure to the listener it replaces
    return true;
  }

  @Override
  public boolean trySuccess() {
    return true;
  }

  @Override
  public boolean trySuccess(Void result) {
    return true;
  }

  @Override
  public WriteFailurePromise setSuccess() {
    return this;
  }

  @Override
  public WriteFailurePromise setSuccess(Void result) {
    return this;
  }

  @Override
  public boolean setUncancellable() {
    return true;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public boolean isVoid() {
    return false;
  }

  @Override
  public ChannelPromise unvoid() {
    return this;
  }

  @Override
  public boolean isDone() {
    return false;
  }

  @Override
  public boolean isSuccess() {
    return false;
  }

  @Override
  public boolean isCancellable() {
    return false;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public Throwable cause() {
    return null;
  }

  @Override
  public Void getNow() {
    return null;
  }

  @Override
  public WriteFailurePromise addListener(GenericFutureListener<? extends Future<? super Void>> listener) {
    throw new UnsupportedOperationException("a relay's shared write promise takes no listeners");
  }

  @Override
  @SafeVarargs
  @SuppressWarnings("varargs")
  public final WriteFailurePromise addListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
    throw new UnsupportedOperationException("a relay's shared write promise takes no listeners");
  }

  @Override
  public WriteFailurePromise removeListener(GenericFutureListener<? extends Future<? super Void>> listener) {
    return this;
  }

  @Override
  @SafeVarargs
  @SuppressWarnings("varargs")
  public final WriteFailurePromise removeListeners(GenericFutureListener<? extends Future<? super Void>>... listeners) {
    return this;
  }

  // Waiting: it never completes, and nothing may wait on an event loop anyway.

  /** What waiting on it gets: part of its contract (it never completes), not a missing feature. */
  private static IllegalStateException neverCompletes() {
    return new IllegalStateException("a relay's shared write promise never completes: nothing may wait on it");
  }

  @Override
  public WriteFailurePromise await() {
    throw neverCompletes();
  }

  @Override
  public WriteFailurePromise awaitUninterruptibly() {
    throw neverCompletes();
  }

  @Override
  public boolean await(long timeout, TimeUnit unit) {
    throw neverCompletes();
  }

  @Override
  public boolean await(long timeoutMillis) {
    throw neverCompletes();
  }

  @Override
  public boolean awaitUninterruptibly(long timeout, TimeUnit unit) {
    throw neverCompletes();
  }

  @Override
  public boolean awaitUninterruptibly(long timeoutMillis) {
    throw neverCompletes();
  }

  @Override
  public WriteFailurePromise sync() {
    throw neverCompletes();
  }

  @Override
  public WriteFailurePromise syncUninterruptibly() {
    throw neverCompletes();
  }
}
