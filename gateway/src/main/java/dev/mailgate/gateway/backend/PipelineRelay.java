package dev.mailgate.gateway.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * {@link Relay} without a {@link CommandPacer}: one handler in each channel's pipeline writes what
 * its channel reads straight to the other channel, and reads stop while the other channel is not
 * writable (Netty's write high-water mark), the way Netty's own proxy example does it.
 *
 * <p>Why not {@code outbound().send(inbound().receive())}: an idle relayed connection then holds two
 * reactor-netty senders, each with a 128-slot queue, and a chain of some forty Reactor operators
 * for the four ways the relay can end, about 7 KB of heap per session while nothing moves. Here an
 * idle session holds two small handlers, one timer and the {@code Mono}'s sink.
 *
 * <p>What the session had already read and not consumed goes first: the residual buffers, then
 * whatever its inbound streams still hold (messages parked while no consumer was attached, and
 * messages the pipeline's bridge already queued), drained on each channel's event loop in the same
 * task that puts the handler in, so nothing can come between them. Messages that are not buffers
 * (a codec's leftovers) pass the handler and still reach the other side through the inbound
 * stream, which stays subscribed.
 *
 * <p>Memory per direction is bounded by the 64 KiB high-water mark plus one read loop of the
 * source ({@link Relay#MAX_READ} per read).
 */
final class PipelineRelay {

  static final String NAME = "mailgate.relay";

  private final Connection client;
  private final Connection server;
  private final Duration idle;
  private final AtomicLong clientToBackend = new AtomicLong();
  private final AtomicLong backendToClient = new AtomicLong();
  private final AtomicReference<Relay.End> end = new AtomicReference<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  /** The backend connection let go of by {@link #keepBackend} reached the session (or was closed). */
  private final AtomicBoolean handedOver = new AtomicBoolean();
  private volatile long lastActivity = System.nanoTime();
  private volatile MonoSink<Relay.Result> sink;
  private volatile ScheduledFuture<?> idleCheck;
  private final Side fromClient;
  private final Side fromServer;

  private PipelineRelay(Connection client, Connection server, Duration idle) {
    this.client = client;
    this.server = server;
    this.idle = idle;
    this.fromClient = new Side(client.channel(), server.channel(), clientToBackend, true);
    this.fromServer = new Side(server.channel(), client.channel(), backendToClient, false);
  }

  static Mono<Relay.Result> run(
      Connection client, Flux<Object> clientIn, BackendConnection backend, Duration idle, ByteBuf toBackend,
      ByteBuf toClient, BackendHandover handover) {
    PipelineRelay relay = new PipelineRelay(client, backend.connection(), idle);
    return Mono.create(s -> {
      relay.start(s, clientIn, backend.receive(), toBackend, toClient);
      if (handover != null) {
        handover.attach(relay);
      }
    });
  }

  /**
   * {@link BackendHandover#keepBackend}, on the client's loop: from now on nothing more is
   * relayed either way. The client's handler leaves its pipeline at once; the backend's leaves on
   * the backend's loop, and what the backend sends before it does is dropped (unsolicited output
   * after the client's goodbye, meant for a session that is over). What it sends after waits in
   * its inbound for the next consumer. The relay's result comes once both handlers are out and the
   * client's goodbye is written.
   */
  boolean keepBackend(java.util.function.Supplier<io.netty.channel.ChannelFuture> goodbye) {
    Channel c = client.channel();
    Channel s = server.channel();
    if (!c.eventLoop().inEventLoop() || !s.isActive() || draining.get() || sink == null
        || !finished.compareAndSet(false, true)) {
      return false;
    }
    end.set(Relay.End.HANDED_OVER);
    ScheduledFuture<?> f = idleCheck;
    if (f != null) {
      f.cancel(false);
    }
    fromClient.detach();
    io.netty.channel.ChannelFuture written = goodbye.get();
    Relay.Result result = new Relay.Result(clientToBackend.get(), backendToClient.get(), Relay.End.HANDED_OVER);
    MonoSink<Relay.Result> out = sink;
    Runnable letGo = () -> {
      fromServer.detach();
      s.config().setAutoRead(true);
      written.addListener(w -> {
        if (handedOver.compareAndSet(false, true)) {
          out.success(result);
        }
      });
    };
    if (s.eventLoop().inEventLoop()) {
      letGo.run();
    } else {
      s.eventLoop().execute(letGo);
    }
    return true;
  }

  private void start(MonoSink<Relay.Result> s, Flux<Object> clientIn, Flux<Object> serverIn, ByteBuf toBackend,
      ByteBuf toClient) {
    sink = s;
    s.onCancel(() -> {
      if (end.get() == Relay.End.HANDED_OVER && handedOver.compareAndSet(false, true)) {
        server.dispose(); // nobody will take the backend connection the relay let go of
      } else {
        finish(null, false);
      }
    });
    fromClient.startOnLoop(toBackend, clientIn);
    fromServer.startOnLoop(toClient, serverIn);
    long period = Math.max(1, idle.toMillis() / 4);
    long idleNanos = idle.toNanos();
    idleCheck = client.channel().eventLoop().scheduleAtFixedRate(
        () -> {
          if (System.nanoTime() - lastActivity >= idleNanos) {
            end.compareAndSet(null, Relay.End.IDLE_TIMEOUT);
            finish(null, true);
          }
        },
        period, period, TimeUnit.MILLISECONDS);
    if (finished.get()) {
      idleCheck.cancel(false);
    }
  }

  /** The client is gone: nothing more can reach it, the relay ends at once. */
  private void clientGone() {
    end.compareAndSet(null, Relay.End.CLIENT_CLOSED);
    finish(null, true);
  }

  /** The backend is gone: what it sent before still goes out to the client, then the relay ends. */
  private void serverGone() {
    end.compareAndSet(null, Relay.End.BACKEND_CLOSED);
    Channel c = client.channel();
    try {
      c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> finish(null, true));
    } catch (RuntimeException e) {
      finish(null, true); // the client's channel is already deregistered
    }
  }

  /**
   * A write to the backend failed (it closed under us): the backend-to-client direction gets
   * {@link Relay#DRAIN_GRACE} to deliver what is still in flight, as {@link Relay} does.
   */
  private void serverWriteFailed() {
    if (draining.compareAndSet(false, true)) {
      server.channel().eventLoop().schedule(() -> finish(null, true), Relay.DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void finish(Relay.End fallback, boolean emit) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    if (fallback != null) {
      end.compareAndSet(null, fallback);
    }
    ScheduledFuture<?> f = idleCheck;
    if (f != null) {
      f.cancel(false);
    }
    Relay.Result result = new Relay.Result(clientToBackend.get(), backendToClient.get(), reason());
    client.dispose();
    server.dispose();
    MonoSink<Relay.Result> s = sink;
    if (emit && s != null) {
      s.success(result);
    }
  }

  /** The recorded reason, else whichever side's socket is already closed (as {@link Relay}). */
  private Relay.End reason() {
    Relay.End e = end.get();
    if (e != null) {
      return e;
    }
    if (!client.channel().isActive()) {
      return Relay.End.CLIENT_CLOSED;
    }
    return server.channel().isActive() ? Relay.End.ERROR : Relay.End.BACKEND_CLOSED;
  }

  /** One direction: reads of {@code self} written to {@code other}. */
  private final class Side extends ChannelInboundHandlerAdapter implements CoreSubscriber<Object> {
    private final Channel self;
    private final Channel other;
    private final AtomicLong counter;
    private final boolean isClient;
    /** Every write's promise (never completed, never allocated per write): a failure ends as below. */
    private final WriteFailurePromise written;
    private volatile boolean gone;
    /** The inbound stream's subscription, cancelled when the relay hands the backend over. */
    private volatile Subscription upstream;

    Side(Channel self, Channel other, AtomicLong counter, boolean isClient) {
      this.self = self;
      this.other = other;
      this.counter = counter;
      this.isClient = isClient;
      this.written = new WriteFailurePromise(other, this::failWrite); // towards the client, reason() tells why
    }

    void startOnLoop(ByteBuf residual, Flux<Object> inbound) {
      if (self.eventLoop().inEventLoop()) {
        start(residual, inbound);
      } else {
        self.eventLoop().execute(() -> start(residual, inbound));
      }
    }

    /** Residual first, then what the inbound stream holds, then the handler takes the reads. */
    private void start(ByteBuf residual, Flux<Object> inbound) {
      if (residual != null) {
        if (residual.isReadable() && !finished.get()) {
          send(residual);
        } else {
          residual.release();
        }
      }
      // Delivers what is parked synchronously (on this loop), then stays subscribed for non-buffer
      // messages the handler lets through and for the end of the stream.
      inbound.subscribe(this);
      if (!gone && !finished.get()) {
        try {
          self.pipeline().addBefore(NettyPipeline.ReactiveBridge, NAME, this);
        } catch (RuntimeException e) {
          closed(); // the pipeline is already torn down: the channel is closed
          return;
        }
        if (!self.isActive()) {
          closed();
          return;
        }
      }
      flushOther();
      self.config().setAutoRead(other.isWritable());
    }

    private void forward(ByteBuf b) {
      counter.addAndGet(b.readableBytes());
      lastActivity = System.nanoTime();
      send(b);
      if (!other.isWritable()) {
        self.config().setAutoRead(false);
        // On two event loops the other side may have drained (and fired its writability change)
        // between the check and the switch: look again, or reads would stay off.
        if (other.isWritable() && !gone) {
          self.config().setAutoRead(true);
        }
      }
    }

    /** A write to the other side; one to a channel already torn down fails like a write would. */
    private void send(ByteBuf b) {
      try {
        other.write(b, written);
      } catch (RuntimeException e) {
        ReferenceCountUtil.release(b);
        failWrite();
      }
    }

    private void flushOther() {
      try {
        other.flush();
      } catch (RuntimeException e) {
        failWrite();
      }
    }

    private void failWrite() {
      if (isClient) {
        serverWriteFailed();
      } else {
        finish(null, true);
      }
    }

    private void closed() {
      if (gone) {
        return;
      }
      gone = true;
      if (isClient) {
        clientGone();
      } else {
        serverGone();
      }
    }

    // Channel side: the reads.

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b && !finished.get()) {
        forward(b);
      } else if (msg instanceof ByteBuf) {
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushOther();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // this channel drained below its low-water mark: the other side may read again
      if (self.isWritable()) {
        Side source = this == fromClient ? fromServer : fromClient;
        if (!source.gone) {
          other.config().setAutoRead(true);
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed();
      ctx.fireChannelInactive();
    }

    // Stream side: what was queued before the handler, and the end of the stream.

    @Override
    public void onSubscribe(Subscription s) {
      upstream = s;
      s.request(Long.MAX_VALUE);
    }

    /** Out of the pipeline and off the inbound stream, on the channel's loop; the channel stays open. */
    void detach() {
      gone = true;
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      try {
        self.pipeline().remove(this);
      } catch (RuntimeException e) {
        // not in the pipeline (the relay ended before it went in) or the pipeline is torn down
      }
    }

    @Override
    public void onNext(Object o) {
      if (o instanceof ByteBuf b && !finished.get()) {
        forward(b.retain()); // the stream releases after onNext, the write after writing
      }
    }

    @Override
    public void onError(Throwable t) {
      self.eventLoop().execute(this::closed);
    }

    @Override
    public void onComplete() {
      self.eventLoop().execute(this::closed);
    }
  }
}
