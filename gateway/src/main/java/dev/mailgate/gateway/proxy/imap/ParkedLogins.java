package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendReads;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backend IMAP sessions kept logged in after their client's LOGOUT, for the next login of the same
 * user with the same password from the same address (what up-imapproxy does for webmail, which logs
 * in and out for every page). A Dovecot login costs it some 20 ms of CPU (its auth process, a new
 * {@code imap} process); a kept session answers the next login at once and spends none of it.
 *
 * <p>What makes a kept session safe to hand to another login:
 * <ul>
 *   <li>It is found by {@link Key}: the backend, the user, the client's address and whether it came
 *       over TLS (what the backend was told at login), and an HMAC of the credentials under a key
 *       made at start and never stored, so a wrong password never finds one; the backend checks it
 *       as usual.
 *   <li>Its client sent only commands whose effect ends with the selected mailbox ({@link
 *       ImapRelayConversation#reusable()}), and a mailbox it selected is closed with UNSELECT (RFC
 *       3691, in RFC 9051) before the session is kept: the next client finds a fresh login's
 *       authenticated state. A backend without UNSELECT gets LOGOUT instead.
 *   <li>It is kept at most its backend's reuse time; anything the backend says meanwhile (a BYE
 *       at shutdown) ends it, as does the backend closing.
 * </ul>
 *
 * <p>Bounded: at most {@link #MAX} sessions per listener and {@link #MAX_PER_KEY} per key; beyond
 * that a session is logged out as before. Tokens are never kept (they expire on their own schedule).
 */
final class ParkedLogins {

  private static final Logger LOG = LoggerFactory.getLogger(ParkedLogins.class);

  /** Kept sessions per listener, across users. */
  static final int MAX = 256;
  /**
   * Kept sessions per {@link Key}: below Dovecot's default {@code mail_max_userip_connections} of
   * 10, so that kept sessions alone never use up a user's connections from one address.
   */
  static final int MAX_PER_KEY = 8;
  /** The UNSELECT before a session is kept must be answered within this. */
  private static final Duration UNSELECT_TIMEOUT = Duration.ofSeconds(5);
  private static final byte[] LOGOUT = "mg9 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII);

  /** What a kept session is found by (see the class comment). */
  record Key(String backend, String user, InetAddress client, boolean tls, String credentials) {}

  /** A kept session taken for a login: the connection and the capabilities its login reported. */
  record Taken(BackendConnection connection, ResponseCode capabilities) {}

  private final SecretKeySpec hmacKey;
  private final Map<Key, ArrayDeque<Parked>> byKey = new HashMap<>();
  private int size;
  /** The gateway drains: nothing more is kept. */
  private boolean closed;

  ParkedLogins() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    hmacKey = new SecretKeySpec(k, "HmacSHA256");
  }

  /**
   * The key of a login with these credentials to {@code backend}; null for credentials that are
   * never kept (tokens).
   */
  Key key(String backend, SaslCredentials credentials, ClientFacts client) {
    if (!(credentials instanceof SaslCredentials.Password p)) {
      return null;
    }
    byte[] secret = p.password().bytes();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(hmacKey);
      mac.update(p.authzid().getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(p.user().getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      String digest = HexFormat.of().formatHex(mac.doFinal(secret));
      return new Key(backend, p.user(), client.client().getAddress(), client.tls(), digest);
    } catch (GeneralSecurityException e) {
      return null; // no HMAC-SHA256 in this JVM: nothing is kept
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Keeps {@code connection} for {@code keep} after its client logged out; {@code selected}: a
   * mailbox may be selected. Closes it (LOGOUT first) when it cannot be kept.
   */
  void park(Key key, BackendConnection connection, ResponseCode capabilities, boolean selected, Duration keep) {
    Channel ch = connection.connection().channel();
    if (key == null || keep.isZero() || keep.isNegative() || !ch.isActive()) {
      logOut(connection);
      return;
    }
    if (!selected) {
      keep(key, connection, capabilities, keep);
      return;
    }
    java.util.List<String> caps = capabilities == null ? java.util.List.of() : capabilities.capabilities();
    if (!caps.contains("UNSELECT") && !caps.contains("IMAP4REV2")) {
      logOut(connection);
      return;
    }
    new BackendUnselect(connection).start(UNSELECT_TIMEOUT, ok -> {
      if (ok) {
        keep(key, connection, capabilities, keep);
      } else {
        connection.close();
      }
    });
  }

  /** A kept session for {@code key}, preferably one on {@code loop}; null when there is none. */
  Taken take(Key key, EventLoop loop) {
    if (key == null) {
      return null;
    }
    for (;;) {
      Parked p;
      synchronized (this) {
        ArrayDeque<Parked> q = byKey.get(key);
        if (q == null) {
          return null;
        }
        p = q.peekLast();
        for (Parked candidate : q) {
          if (candidate.loop() == loop) {
            p = candidate;
            break;
          }
        }
        remove(q, p);
      }
      p.taken();
      if (p.connection.connection().channel().isActive()) {
        LOG.debug("{}: login to {} served by a kept session", key.user(), key.backend());
        return new Taken(p.connection, p.capabilities);
      }
      p.connection.close();
    }
  }

  /** Logs out every session kept for {@code user} (any case), whatever its other key parts. */
  void forget(String user) {
    forget(p -> p.key.user().equalsIgnoreCase(user));
  }

  /** Logs out every kept session and keeps none from now on (the gateway drains). */
  void close() {
    synchronized (this) {
      closed = true;
    }
    forget(p -> true);
  }

  private void forget(java.util.function.Predicate<Parked> which) {
    java.util.List<Parked> gone = new java.util.ArrayList<>();
    synchronized (this) {
      for (ArrayDeque<Parked> q : java.util.List.copyOf(byKey.values())) {
        for (Parked p : java.util.List.copyOf(q)) {
          if (which.test(p)) {
            remove(q, p);
            gone.add(p);
          }
        }
      }
    }
    for (Parked p : gone) {
      p.taken();
      logOut(p.connection);
    }
  }

  /** How many sessions are kept now. */
  synchronized int size() {
    return size;
  }

  private void keep(Key key, BackendConnection connection, ResponseCode capabilities, Duration keep) {
    Parked p = new Parked(key, connection, capabilities);
    boolean full;
    synchronized (this) {
      ArrayDeque<Parked> q = byKey.computeIfAbsent(key, k -> new ArrayDeque<>(2));
      full = closed || size >= MAX || q.size() >= MAX_PER_KEY;
      if (!full) {
        q.addLast(p);
        size++;
      } else if (q.isEmpty()) {
        byKey.remove(key);
      }
    }
    if (full) {
      logOut(connection);
      return;
    }
    p.watch(keep);
  }

  /** Takes {@code p} out of the map: false when a login took it first. */
  private synchronized boolean forget(Parked p) {
    ArrayDeque<Parked> q = byKey.get(p.key);
    if (q == null || !q.contains(p)) {
      return false;
    }
    remove(q, p);
    return true;
  }

  private void remove(ArrayDeque<Parked> q, Parked p) {
    for (Iterator<Parked> it = q.iterator(); it.hasNext(); ) {
      if (it.next() == p) {
        it.remove();
        size--;
        break;
      }
    }
    if (q.isEmpty()) {
      byKey.remove(p.key);
    }
  }

  /** The LOGOUT the client's own would have been, then the close. */
  private static void logOut(BackendConnection connection) {
    Channel ch = connection.connection().channel();
    if (!ch.isActive()) {
      connection.close();
      return;
    }
    ch.writeAndFlush(Unpooled.wrappedBuffer(LOGOUT)).addListener((ChannelFutureListener) f -> connection.close());
  }

  /** One kept session: its expiry timer and the watch on what the backend sends meanwhile. */
  private final class Parked {
    final Key key;
    final BackendConnection connection;
    final ResponseCode capabilities;
    private final BackendReads reads;
    private volatile ScheduledFuture<?> expiry;
    /** A login took it (perhaps before its watch began, from another loop). */
    private volatile boolean taken;

    Parked(Key key, BackendConnection connection, ResponseCode capabilities) {
      this.key = key;
      this.connection = connection;
      this.capabilities = capabilities;
      // Unsolicited data in the authenticated state is a BYE or worse: the session is not kept.
      this.reads = new BackendReads(msg -> gone(), reason -> gone());
    }

    EventLoop loop() {
      return connection.connection().channel().eventLoop();
    }

    /** Starts on the connection's loop; a session a login took before that is left alone. */
    void watch(Duration keep) {
      EventLoop loop = loop();
      Runnable start = () -> {
        if (taken) {
          return;
        }
        expiry = loop.schedule(this::expired, keep.toNanos(), TimeUnit.NANOSECONDS);
        connection.receive().subscribe(reads);
      };
      if (loop.inEventLoop()) {
        start.run();
      } else {
        loop.execute(start);
      }
    }

    /** A login took it: no expiry, no watch; the relay becomes the inbound's consumer. */
    void taken() {
      taken = true;
      ScheduledFuture<?> f = expiry;
      if (f != null) {
        f.cancel(false);
      }
      reads.stop();
    }

    private void expired() {
      if (forget(this)) {
        reads.stop();
        logOut(connection);
      }
    }

    private void gone() {
      if (forget(this)) {
        taken();
        connection.close();
      }
    }
  }
}
