package dev.mailgate.gateway.net;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.session.SessionControl;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionStart;
import dev.mailgate.gateway.session.TlsInfo;
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
 *
 * <p>Tracking: the listener registers every session in the {@link
 * dev.mailgate.gateway.session.SessionRegistry} at accept, counts its wire bytes, records its TLS
 * parameters, and when the connection closes writes its session log line and unregisters it. A
 * protocol session only reports what the listener cannot see: {@link #loginSucceeded} / {@link
 * #loginFailed} at its login point, {@link #backend} once connected, {@link #ending} when it knows
 * why it ends (a LOGOUT or QUIT), {@link #messageDelivered} / {@link #messageRelayed} on each 250
 * to a message, and, to say goodbye on a kick or a drain, {@link #onKick} / {@link #onDrain}.
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
  private final GatewayMetrics metrics;
  private final SessionRecord record;
  private volatile Runnable onKick;
  private volatile Runnable onDrain;
  /** How the protocol handler ended: null while it runs, else its error or {@link #COMPLETED}. */
  private volatile Throwable handlerEnd;
  /** A TLS handler is in the pipeline and its handshake has not completed. */
  private volatile boolean tlsPending;
  private volatile SessionPolicies policies = SessionPolicies.off();
  private final ReadIdleTimer idleTimer;

  private static final Throwable COMPLETED = new Throwable("completed", null, false, false) {};

  /** Creates the context and registers the session (the caller closes it if this throws). */
  SessionContext(
      String id, ListenerSpec listener, Connection connection, InboundCounter counter, SessionTracking tracking) {
    this.id = id;
    this.listener = listener;
    this.connection = connection;
    this.counter = counter;
    this.peer = (InetSocketAddress) connection.channel().remoteAddress();
    this.client = peer;
    this.metrics = tracking.metrics();
    this.inbound = new InboundHandoff(connection.inbound().receiveObject());
    this.idleTimer = new ReadIdleTimer(listener.idleTimeout(), () -> {
      ending(EndReason.IDLE_TIMEOUT);
      timedOut();
    });
    this.record =
        tracking.registry().open(id, new SessionStart(listener.protocol(), listener.name(), peer), new Control());
    WireMeter meter = new WireMeter(id, record,
        metrics.bytesIn(listener.protocol()), metrics.bytesOut(listener.protocol()));
    connection.channel().pipeline().addFirst(WireMeter.NAME, meter);
    connection.onDispose(inbound::dispose);
    connection.channel().closeFuture().addListener(f -> {
      // a handshake still pending at close failed, however it failed (an SNI decoder's error
      // closes the channel before any handshake event)
      tlsFailed();
      record.end(fallbackEndReason(meter));
    });
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
   * A login succeeded: lifts the pre-login timeout ({@link #authenticated()}), names the user in
   * the session record (admin API, session log line) and counts the login.
   *
   * @param mechanism the SASL mechanism ({@code PLAIN}, {@code LOGIN}, ...), or {@code login} for
   *     the IMAP LOGIN command, {@code user} for POP3 USER/PASS
   */
  public void loginSucceeded(String user, String mechanism) {
    authenticated();
    record.authenticated(user);
    metrics.login(listener.protocol(), mechanism, LoginOutcome.SUCCESS);
  }

  /** A login was refused for bad credentials (same {@code mechanism} names as above). */
  public void loginFailed(String mechanism) {
    loginFailed(mechanism, LoginOutcome.FAILURE);
  }

  /**
   * A login did not succeed, with why: {@link LoginOutcome#FAILURE} bad credentials, {@link
   * LoginOutcome#REFUSED} refused by policy before the check, {@link LoginOutcome#ERROR} the check
   * could not be made (backend or user store unavailable).
   */
  public void loginFailed(String mechanism, LoginOutcome outcome) {
    metrics.login(listener.protocol(), mechanism, outcome);
  }

  /** The session is relayed to this backend from now on (admin API, session log line). */
  public void backend(String name) {
    record.backendConnected(name);
  }

  /**
   * Notes why the session is about to end, for its log line and {@code mailgate_sessions_ended}:
   * e.g. {@link EndReason#CLIENT_QUIT} on LOGOUT or QUIT, {@link EndReason#BACKEND_CLOSED}. The
   * first reason noted wins. Without one, the listener tells a client's close ({@code
   * client_closed}) from the session finishing on its own ({@code server_closed}).
   */
  public void ending(EndReason reason) {
    record.endingBecause(reason);
  }

  /** An SMTP message was stored in the local tier and its 250 sent. */
  public void messageDelivered() {
    metrics.smtpMessageDelivered();
  }

  /** An SMTP message was accepted by a backend and its 250 sent. */
  public void messageRelayed() {
    metrics.smtpMessageRelayed();
  }

  /** An IMAP backend session was kept after LOGOUT ({@code kept}) or served a login ({@code reused}). */
  public void imapBackendSession(String event) {
    metrics.imapBackendSession(event);
  }

  /**
   * What an administrator's kick runs, on the event loop, instead of closing the connection: the
   * protocol's goodbye (IMAP {@code * BYE}, SMTP {@code 421}), after which the callback closes.
   */
  public void onKick(Runnable goodbye) {
    this.onKick = goodbye;
  }

  /**
   * What a drain runs, on the event loop, instead of closing the connection: finish the unit of
   * work in flight, say goodbye ({@code * BYE [UNAVAILABLE]}, {@code 421 4.3.2}) and close.
   */
  public void onDrain(Runnable finish) {
    this.onDrain = finish;
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
      preLoginTimer = null; // a session logged in for hours need not keep the cancelled task
    }
  }

  /** Replaces the idle timeout (no read for this long closes the session). */
  public void idleTimeout(Duration idle) {
    idleTimer.timeout(idle);
  }

  /** Runs instead of closing when a timeout fires; the callback must close the connection. */
  public void onTimeout(Runnable callback) {
    this.onTimeout = callback;
  }

  void start() {
    connection.channel().pipeline().addFirst(ReadIdleTimer.NAME, idleTimer);
    preLoginTimer =
        connection.channel().eventLoop().schedule(
            () -> {
              if (!authenticated) {
                ending(EndReason.PRE_LOGIN_TIMEOUT);
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
    record.clientFromProxyHeader(realClient);
  }

  /** A TLS handler went in: until {@link #tls(SSLSession)}, a close means the handshake failed. */
  void tlsStarting() {
    tlsPending = true;
  }

  void tls(SSLSession session) {
    tlsPending = false;
    this.tls = session;
    record.tlsEstablished(new TlsInfo(session.getProtocol(), session.getCipherSuite()));
    metrics.tlsHandshake(listener.name(), session.getProtocol());
  }

  /** The implicit-TLS or STARTTLS handshake failed; counted once, if one was pending. */
  void tlsFailed() {
    if (tlsPending) {
      tlsPending = false;
      ending(EndReason.TLS_FAILED);
      metrics.tlsHandshakeFailure(listener.name(), null);
    }
  }

  /** The protocol handler's publisher ended: {@code error} null when it completed. */
  void handlerEnded(Throwable error) {
    handlerEnd = error == null ? COMPLETED : error;
  }

  /** Why the session ended when it noted nothing itself; read when the channel has closed. */
  private EndReason fallbackEndReason(WireMeter meter) {
    Throwable end = handlerEnd;
    if (end != null && end != COMPLETED && !Disconnects.isDisconnect(end)) {
      return EndReason.SERVER_ERROR;
    }
    return meter.closedByPeer() ? EndReason.CLIENT_CLOSED : EndReason.SERVER_CLOSED;
  }

  /** The registry's hooks: run on the connection's event loop, since they come from any thread. */
  private final class Control implements SessionControl {
    @Override
    public void kick() {
      onLoop(onKick);
    }

    @Override
    public void drain() {
      onLoop(onDrain);
    }

    @Override
    public void close() {
      connection.dispose();
    }

    private void onLoop(Runnable hook) {
      connection.channel().eventLoop().execute(hook == null ? connection::dispose : hook);
    }
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
