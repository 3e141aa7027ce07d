package dev.mailgate.gateway.backend;

import dev.mailgate.gateway.net.LoopTimers;
import dev.mailgate.gateway.net.ReadSizes;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;

/**
 * The raw two-way relay for IMAP and POP3 after login (DESIGN.md "Relay"): bytes go through
 * unparsed, {@code client.outbound().send(backend inbound)} and back, the residual bytes each side
 * had already read going first.
 *
 * <p>Backpressure: reactor-netty's {@code send} only takes more when the destination socket is
 * writable, and the source reads only while there is demand, so a slow reader stops reads on the
 * other side. What can be held in memory per direction is bounded by the sender's prefetch (128
 * messages: reactor-netty's {@code reactor.netty.send.maxPrefetchSize} default) times the largest
 * read, which this caps at {@link #MAX_READ} bytes: at most 4 MiB, plus Netty's 64 KiB write
 * high-water mark.
 *
 * <p>Ends when the client goes away, when everything the backend sent before closing has been
 * written to the client, or when neither side has sent a byte for the idle timeout; both sides are
 * then closed. A backend that writes its last bytes (a {@code * BYE}, a POP3 {@code +OK} to QUIT)
 * and closes in the same instant may make the client-to-backend send end first; that end alone
 * never ends the relay: the backend-to-client direction gets up to {@link #DRAIN_GRACE} to
 * deliver what is still in flight, so those last bytes are not lost.
 *
 * <p>With a {@link CommandPacer} (a commands-per-interval rule is configured), the client's bytes
 * are forwarded command by command as the rule's permits allow; the pacer asks for one buffer at
 * a time and holds at most that one while a command waits, inside the bounds above. Without one,
 * the relay is {@link PipelineRelay}: the same ends and counts with a handler in each pipeline
 * instead of the two senders and their operators, which an idle session would otherwise hold.
 */
public final class Relay {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Relay.class);

  /** How long the backend-to-client direction may still flush after the other direction ended. */
  public static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  /**
   * Largest single read on a relayed connection. Every read is one write (and one pass through
   * both pipelines) on the other side, so a 200 KB FETCH body costs 7 of each at 32 KiB, 13 at
   * 16 KiB; 128 reads of 32 KiB are the 4 MiB bound above. Set on every channel at its creation
   * ({@link ReadSizes}).
   */
  public static final int MAX_READ = ReadSizes.MAX;

  /** Why the relay ended. */
  public enum End {
    CLIENT_CLOSED,
    BACKEND_CLOSED,
    IDLE_TIMEOUT,
    ERROR,
    /** The session took the backend connection back, open ({@link BackendHandover}). */
    HANDED_OVER
  }

  /** The outcome: bytes each way and why it ended. */
  public record Result(long clientToBackend, long backendToClient, End end) {}

  private final AtomicLong clientToBackend = new AtomicLong();
  private final AtomicLong backendToClient = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicReference<End> end = new java.util.concurrent.atomic.AtomicReference<>();
  private volatile long lastActivity = System.nanoTime();

  private final CommandPacer pacer;

  private Relay(CommandPacer pacer) {
    this.pacer = pacer;
  }

  /**
   * Relays until one side ends. Takes ownership of the residual buffers (either may be null).
   *
   * @param client the client's connection
   * @param clientInbound the client's inbound stream (e.g. {@code SessionContext.receiveObject()})
   * @param backend the backend connection (its {@code receive()} continues where login replay stopped)
   * @param idleTimeout no byte either way for this long ends the relay
   * @param residualToBackend bytes the client sent that the session read but did not consume
   * @param residualToClient bytes the backend sent that the session read but did not forward
   */
  public static Mono<Result> run(
      Connection client,
      Flux<Object> clientInbound,
      BackendConnection backend,
      Duration idleTimeout,
      ByteBuf residualToBackend,
      ByteBuf residualToClient) {
    return run(client, clientInbound, backend, idleTimeout, residualToBackend, residualToClient, null);
  }

  /**
   * {@link #run(Connection, Flux, BackendConnection, Duration, ByteBuf, ByteBuf)} with the
   * client's commands, the residual ones included, paced by {@code pacer} (null: not paced). A
   * command waiting for its permit keeps the relay from being idle.
   */
  public static Mono<Result> run(
      Connection client,
      Flux<Object> clientInbound,
      BackendConnection backend,
      Duration idleTimeout,
      ByteBuf residualToBackend,
      ByteBuf residualToClient,
      CommandPacer pacer) {
    return run(client, clientInbound, backend, idleTimeout, residualToBackend, residualToClient, pacer, null);
  }

  /**
   * {@link #run(Connection, Flux, BackendConnection, Duration, ByteBuf, ByteBuf, CommandPacer)}
   * that the session may end keeping the backend connection, through {@code handover} (null: it
   * may not). A paced relay never hands over.
   */
  public static Mono<Result> run(
      Connection client,
      Flux<Object> clientInbound,
      BackendConnection backend,
      Duration idleTimeout,
      ByteBuf residualToBackend,
      ByteBuf residualToClient,
      CommandPacer pacer,
      BackendHandover handover) {
    if (pacer == null) {
      return PipelineRelay.run(client, clientInbound, backend, idleTimeout, residualToBackend, residualToClient,
          handover);
    }
    return new Relay(pacer).start(client, clientInbound, backend, idleTimeout, residualToBackend, residualToClient);
  }

  private Mono<Result> start(
      Connection client, Flux<Object> clientIn, BackendConnection backend, Duration idle,
      ByteBuf toBackend, ByteBuf toClient) {
    Connection server = backend.connection();
    // Which side ended is decided by whose inbound terminated first, not by which send finished
    // first (a write to a closed peer may finish before the read side notices the close).
    // The client going away (EOF or reset) ends the relay at once: nothing more can reach it.
    Sinks.One<End> clientGone = Sinks.one();
    Runnable onClientGone = () -> { ended(End.CLIENT_CLOSED); clientGone.tryEmitValue(End.CLIENT_CLOSED); };
    Flux<Object> clientTracked = clientIn.doOnComplete(onClientGone).doOnError(e -> onClientGone.run());
    // Any other end of the client-to-backend send (the backend closed under it, a write failed)
    // only starts the drain grace, so the backend's last bytes can still reach the client.
    Flux<ByteBuf> toServer = Flux.concat(residual(toBackend), bytes(clientTracked, clientToBackend));
    if (pacer != null) {
      // Bytes are counted as they arrive; a paced command's going out is activity too.
      toServer = pacer.pace(toServer).doOnNext(b -> lastActivity = System.nanoTime());
    }
    Mono<End> up =
        server.outbound()
            .send(toServer)
            .then()
            .onErrorResume(e -> {
              LOG.debug("relay client->backend ended: {}", e.toString(), e);
              return Mono.empty();
            })
            .then(Mono.defer(() -> Mono.delay(DRAIN_GRACE, LoopTimers.of(server.channel())).map(t -> ended())));
    Mono<End> down =
        client.outbound()
            .send(Flux.concat(residual(toClient), bytes(backend.receive(), backendToClient).doOnComplete(() -> ended(End.BACKEND_CLOSED))))
            .then()
            .then(Mono.fromSupplier(this::ended));
    long idleNanos = idle.toNanos();
    Mono<End> idleEnd =
        Mono.create(
            sink -> {
              ScheduledFuture<?> f =
                  client.channel().eventLoop().scheduleAtFixedRate(
                      () -> {
                        if (System.nanoTime() - lastActivity >= idleNanos
                            && (pacer == null || !pacer.waiting())) {
                          ended(End.IDLE_TIMEOUT);
                          sink.success(End.IDLE_TIMEOUT);
                        }
                      },
                      Math.max(1, idle.toMillis() / 4), Math.max(1, idle.toMillis() / 4), TimeUnit.MILLISECONDS);
              sink.onDispose(() -> f.cancel(false));
            });
    return Mono.firstWithSignal(
            clientGone.asMono(),
            up,
            down.doOnError(e -> LOG.debug("relay backend->client failed: {}", e.toString())).onErrorReturn(End.ERROR),
            idleEnd)
        .map(e -> new Result(clientToBackend.get(), backendToClient.get(), reason(client, server)))
        .doFinally(
            s -> {
              client.dispose();
              server.dispose();
            });
  }

  private void ended(End why) {
    end.compareAndSet(null, why);
  }

  /** The recorded reason, else whichever side's socket is already closed. */
  private End reason(Connection client, Connection server) {
    End e = end.get();
    if (e != null) {
      return e;
    }
    if (!client.channel().isActive()) {
      return End.CLIENT_CLOSED;
    }
    return server.channel().isActive() ? End.ERROR : End.BACKEND_CLOSED;
  }

  private End ended() {
    End e = end.get();
    return e == null ? End.ERROR : e;
  }

  private Flux<ByteBuf> bytes(Flux<Object> in, AtomicLong counter) {
    return in.map(
        o -> {
          ByteBuf b = (ByteBuf) o;
          counter.addAndGet(b.readableBytes());
          lastActivity = System.nanoTime();
          // The source releases after onNext; send() releases after the write.
          return b.retain();
        });
  }

  private static Flux<ByteBuf> residual(ByteBuf b) {
    if (b == null) {
      return Flux.empty();
    }
    if (!b.isReadable()) {
      b.release();
      return Flux.empty();
    }
    return Flux.just(b);
  }

  /** Shared: the per-channel state is in the handle each channel makes from it. */
}
