package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live record of one client session, created by {@link SessionRegistry#open} and updated by the
 * session as it learns more: TLS parameters after the handshake, the user after login, the backend
 * after connecting, and the bytes relayed. Every update is thread-safe and allocation-light (byte
 * counters are {@link LongAdder}s, fit for the relay's hot path). The session ends it exactly once
 * with {@link #end(EndReason)}, which unregisters it and notifies the log and the metrics.
 *
 * <p>There is no field for a password or an AUTH payload, on purpose: what is not recorded cannot be
 * logged or listed.
 */
public final class SessionRecord {
  private final String id;
  private final SessionStart start;
  private final Instant startedAt;
  private final SessionControl control;
  private final SessionRegistry registry;

  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private volatile TlsInfo tls;
  private volatile String user;
  private volatile String backend;
  private final AtomicReference<EndReason> endReason = new AtomicReference<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile SessionSnapshot last;
  private volatile InetSocketAddress client;

  SessionRecord(
      String id,
      SessionStart start,
      Instant startedAt,
      SessionControl control,
      SessionRegistry registry) {
    this.id = id;
    this.start = start;
    this.startedAt = startedAt;
    this.control = control;
    this.registry = registry;
    this.client = start.client();
  }

  public String id() {
    return id;
  }

  public Protocol protocol() {
    return start.protocol();
  }

  public String listener() {
    return start.listener();
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** The authenticated user, or {@code null} before login. */
  public String user() {
    return user;
  }

  /** The client's address: the TCP peer, or the source a trusted PROXY header named. */
  public InetSocketAddress client() {
    return client;
  }

  /**
   * Replaces the client address with the source a trusted PROXY protocol header named; the session
   * was registered at accept, before the header was read.
   */
  public void clientFromProxyHeader(InetSocketAddress source) {
    this.client = Objects.requireNonNull(source, "source");
  }

  /** Records the negotiated TLS parameters (after the implicit-TLS or STARTTLS handshake). */
  public void tlsEstablished(TlsInfo tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
  }

  /** Records the user once the login succeeded (never before: a failed login names nobody). */
  public void authenticated(String user) {
    this.user = Objects.requireNonNull(user, "user");
  }

  /** Records the backend the session is relayed to. */
  public void backendConnected(String backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  /** Counts bytes received from the client. */
  public void addBytesIn(long n) {
    bytesIn.add(n);
  }

  /** Counts bytes sent to the client. */
  public void addBytesOut(long n) {
    bytesOut.add(n);
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }

  /** Whether {@link #end} has been called. */
  public boolean isEnded() {
    return ended.get();
  }

  /**
   * Ends the session: the reason given here is used unless one was recorded earlier (a kick or a
   * drain, whose own close then reports, say, {@link EndReason#CLIENT_CLOSED}). Unregisters the
   * session and notifies the listeners; later calls do nothing and return {@code false}.
   */
  public boolean end(EndReason reason) {
    Objects.requireNonNull(reason, "reason");
    endReason.compareAndSet(null, reason);
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    last = snapshot();
    registry.ended(this, last);
    return true;
  }

  /**
   * Notes why the session is about to end, before it does (an IMAP LOGOUT, a timeout, a kick); the
   * first reason noted wins over later ones and over the one {@link #end} is given.
   */
  public void endingBecause(EndReason reason) {
    endReason.compareAndSet(null, reason);
  }

  SessionControl control() {
    return control;
  }

  /** The session as it is now, or as it was when it ended. */
  public SessionSnapshot snapshot() {
    SessionSnapshot done = last;
    if (done != null) {
      return done;
    }
    Instant now = registry.clock().instant();
    var client = this.client;
    String address =
        client.getAddress() != null ? client.getAddress().getHostAddress() : client.getHostString();
    return new SessionSnapshot(
        id,
        start.protocol(),
        start.listener(),
        address,
        client.getPort(),
        tls,
        user,
        backend,
        startedAt,
        bytesIn.sum(),
        bytesOut.sum(),
        Duration.between(startedAt, now),
        ended.get() ? endReason.get() : null);
  }

  @Override
  public String toString() {
    return "session " + id;
  }
}
