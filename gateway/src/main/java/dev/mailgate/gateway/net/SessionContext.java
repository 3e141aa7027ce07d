package dev.mailgate.gateway.net;

import dev.mailgate.gateway.policy.SessionPolicies;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/**
 * What a protocol session knows about its connection: the listener, the TCP peer and the real
 * client (from a PROXY header when trusted), the TLS session once established, and its timeouts.
 * Created by the listener on accept; touched from the connection's event loop.
 *
 * <p>Timeouts: the pre-login timeout runs from accept until {@link #authenticated()}; the idle
 * timeout closes the connection after that long without a read and can be changed at any time
 * ({@link #idleTimeout(Duration)}, e.g. to the 30 minutes of an IMAP IDLE). A session that wants to
 * say goodbye first (SMTP 421, IMAP {@code * BYE}) registers {@link #onTimeout(Runnable)}; it must
 * then close the connection itself.
 */
public final class SessionContext {

  private final String id;
  private final ListenerSpec listener;
  private final Connection connection;
  private final InetSocketAddress peer;
  private final InboundCounter counter;
  private volatile InetSocketAddress client;
  private volatile SSLSession tls;
  private volatile boolean authenticated;
  private volatile Runnable onTimeout;
  private ScheduledFuture<?> preLoginTimer;
  /** Messages with a sequence number up to this were delivered before TLS started: dropped. */
  private volatile long discardThrough;
  private long consumed;
  private final InboundHandoff inbound;
  private volatile SessionPolicies policies = SessionPolicies.off();

  SessionContext(String id, ListenerSpec listener, Connection connection, InboundCounter counter) {
    this.id = id;
    this.listener = listener;
    this.connection = connection;
    this.counter = counter;
    this.peer = (InetSocketAddress) connection.channel().remoteAddress();
    this.client = peer;
    this.inbound = new InboundHandoff(connection.inbound().receiveObject());
    connection.onDispose(inbound::dispose);
  }

  public String id() {
    return id;
  }

  public ListenerSpec listener() {
    return listener;
  }

  public Connection connection() {
    return connection;
  }

  /** The TCP peer: a load balancer when the PROXY protocol is in use. */
  public InetSocketAddress peer() {
    return peer;
  }

  /** The real client: from the PROXY header when one was accepted, else the TCP peer. */
  public InetSocketAddress client() {
    return client;
  }

  public InetSocketAddress local() {
    return (InetSocketAddress) connection.channel().localAddress();
  }

  /** The TLS session, or null while the connection is plaintext. */
  public SSLSession tls() {
    return tls;
  }

  public boolean isTls() {
    return tls != null;
  }

  public boolean isAuthenticated() {
    return authenticated;
  }

  /**
   * The session's inbound messages (ByteBufs, or the objects its pipeline codecs emit), minus any
   * that were pipelined before a STARTTLS upgrade. Consume one request at a time (e.g. {@code
   * concatMap(handler, 0)}): anything an operator prefetches past this filter escapes the STARTTLS
   * discard. One consumer at a time; a later consumer (the relay, after the session cancels its
   * subscription) continues where the previous one stopped.
   */
  public Flux<Object> receiveObject() {
    return inbound.receive().filter(this::keep);
  }

  private boolean keep(Object msg) {
    // reactor-netty releases every inbound message after onNext returns, so a dropped one is
    // released there too; a session that keeps a message past its onNext must retain() it.
    consumed++;
    return consumed > discardThrough;
  }

  /**
   * Adds a protocol codec (a decoder, an encoder or both) to the end of the session's pipeline, right
   * before the point where messages are counted for the STARTTLS discard. Use this rather than
   * reactor-netty's {@code addHandlerLast}, which would put the codec after the counter.
   */
  public void addCodec(String name, io.netty.channel.ChannelHandler codec) {
    connection.channel().pipeline().addBefore(InboundCounter.NAME, name, codec);
  }

  /**
   * The session's policies (auth throttling, per-user limits, SMTP message rules), bound to the
   * configuration the session started with; {@link SessionPolicies#off()} on listeners without
   * policies.
   */
  public SessionPolicies policies() {
    return policies;
  }

  void policies(SessionPolicies p) {
    this.policies = p;
  }

  /** Lifts the pre-login timeout; call after a successful login. */
  public void authenticated() {
    authenticated = true;
    ScheduledFuture<?> t = preLoginTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** Replaces the idle timeout (no read for this long closes the session). */
  public void idleTimeout(Duration idle) {
    connection.onReadIdle(idle.toMillis(), this::timedOut);
  }

  /** Runs instead of closing when a timeout fires; the callback must close the connection. */
  public void onTimeout(Runnable callback) {
    this.onTimeout = callback;
  }

  void start() {
    idleTimeout(listener.idleTimeout());
    preLoginTimer =
        connection.channel().eventLoop().schedule(
            () -> {
              if (!authenticated) {
                timedOut();
              }
            },
            listener.preLoginTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  void stop() {
    ScheduledFuture<?> t = preLoginTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void timedOut() {
    Runnable r = onTimeout;
    if (r != null) {
      r.run();
    } else {
      connection.dispose();
    }
  }

  void client(InetSocketAddress realClient) {
    this.client = realClient;
  }

  void tls(SSLSession session) {
    this.tls = session;
  }

  /** Marks every message delivered so far as pipelined plaintext (called by {@link StartTls}). */
  void discardDelivered() {
    discardThrough = counter.delivered();
  }

  @Override
  public String toString() {
    return "session " + id + " on " + listener.name() + " from " + client;
  }
}
