package dev.mailgate.gateway.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The live sessions of this gateway process, keyed by session id. Sessions {@link #open} a record
 * when accepted and {@link SessionRecord#end end} it when they close; the admin API lists and kicks
 * them here, and the {@link DrainCoordinator} drains them.
 *
 * <p>Once {@link #drainAll()} has been called the registry stays draining: a session that registers
 * afterwards (accepted just before the listeners stopped) is asked to drain at once, so none slips
 * through.
 */
public final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

  private final Clock clock;
  private final SessionIds ids;
  private final List<SessionListener> listeners;
  private final ConcurrentHashMap<String, SessionRecord> live = new ConcurrentHashMap<>();
  /** Held weakly: a listener's handler goes away with its listener (a reload) without unregistering. */
  private final java.util.Set<Leftovers> leftovers =
      java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

  /**
   * What sessions leave behind beside live sessions (IMAP backend sessions kept after LOGOUT): told
   * when an administrator kicks a user, and when the gateway drains.
   */
  public interface Leftovers {
    /** {@code user} was kicked: what is left of theirs goes. */
    void kicked(String user);

    /** The gateway drains: everything left goes, and nothing more is left behind. */
    void drained();

    /** Logged-in backend sessions held now without a client (the kept-sessions gauge). */
    default int keptBackendSessions() {
      return 0;
    }
  }

  /** {@code l} hears of every user kick and the drain from now on, for as long as something else holds it. */
  public void onLeftovers(Leftovers l) {
    leftovers.add(l);
    if (draining) {
      l.drained();
    }
  }

  /** An administrator kicked {@code user} (the live sessions are kicked one by one, {@link #kick}). */
  public void userKicked(String user) {
    for (Leftovers l : leftovers()) {
      l.kicked(user);
    }
  }

  /** Backend sessions held without a client now, over every listener's handler. */
  public int keptBackendSessions() {
    int n = 0;
    for (Leftovers l : leftovers()) {
      n += l.keptBackendSessions();
    }
    return n;
  }

  private List<Leftovers> leftovers() {
    synchronized (leftovers) {
      return new ArrayList<>(leftovers);
    }
  }
  private final Sinks.Empty<Void> emptiedWhileDraining = Sinks.empty();
  private volatile boolean draining;

  public SessionRegistry(Clock clock, SessionIds ids, List<SessionListener> listeners) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.listeners = List.copyOf(listeners);
  }

  /** Registers a new session with the hooks that end it, under a new id; returns its record. */
  public SessionRecord open(SessionStart start, SessionControl control) {
    return open(ids.next(), start, control);
  }

  /**
   * Registers a new session under the id the listener already gave it ({@code
   * SessionContext.id()}), so that logs and the admin API show one id per session. The id must be
   * unique among live sessions.
   */
  public SessionRecord open(String id, SessionStart start, SessionControl control) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(control, "control");
    SessionRecord record = new SessionRecord(id, start, clock.instant(), control, this);
    if (live.putIfAbsent(id, record) != null) {
      throw new IllegalArgumentException("session id already live: " + id);
    }
    each(l -> l.opened(record));
    if (draining) {
      drain(record);
    }
    return record;
  }

  /** A new session id, for a listener that names the session before it {@link #open opens} it. */
  public String nextId() {
    return ids.next();
  }

  /** The live session with this id. */
  public Optional<SessionRecord> byId(String id) {
    return Optional.ofNullable(live.get(id));
  }

  /**
   * The live sessions of this user. Compared without regard to ASCII case, as mail systems treat
   * user names and an administrator types them by hand; a linear scan, which the admin API's rare
   * calls can afford.
   */
  public List<SessionRecord> byUser(String user) {
    List<SessionRecord> found = new ArrayList<>();
    for (SessionRecord r : live.values()) {
      String u = r.user();
      if (u != null && u.equalsIgnoreCase(user)) {
        found.add(r);
      }
    }
    return found;
  }

  /** Every live session (a weakly consistent view). */
  public Collection<SessionRecord> all() {
    return live.values();
  }

  public int size() {
    return live.size();
  }

  public boolean isDraining() {
    return draining;
  }

  /** Kicks one session; returns whether it was live. */
  public boolean kick(SessionRecord session) {
    if (session.isEnded()) {
      return false;
    }
    session.endingBecause(EndReason.KICKED);
    call(session, SessionControl::kick);
    return true;
  }

  /**
   * Asks every live session, and every session opened from now on, to drain. Returns the number of
   * sessions asked now.
   */
  public int drainAll() {
    draining = true;
    for (Leftovers l : leftovers()) {
      l.drained();
    }
    int n = 0;
    for (SessionRecord r : live.values()) {
      drain(r);
      n++;
    }
    checkEmptied();
    return n;
  }

  /**
   * Completes once the registry is empty after {@link #drainAll()} was called (at once if it already
   * is). Never completes before draining starts.
   */
  public Mono<Void> whenDrained() {
    return emptiedWhileDraining.asMono();
  }

  /**
   * Closes every live session now, without a goodbye, and ends its record with {@code reason}
   * unless the session already recorded one. Returns the number closed.
   */
  public int closeAll(EndReason reason) {
    int n = 0;
    for (SessionRecord r : live.values()) {
      r.endingBecause(reason);
      call(r, SessionControl::close);
      // a session whose close hook misbehaves still gets its log line and its gauge decrement
      r.end(reason);
      n++;
    }
    return n;
  }

  Clock clock() {
    return clock;
  }

  void ended(SessionRecord record, SessionSnapshot snapshot) {
    live.remove(record.id(), record);
    each(l -> l.ended(snapshot));
    checkEmptied();
  }

  private void drain(SessionRecord r) {
    r.endingBecause(EndReason.DRAIN);
    if (!call(r, SessionControl::drain)) {
      call(r, SessionControl::close);
      r.end(EndReason.DRAIN);
    }
  }

  private void checkEmptied() {
    if (draining && live.isEmpty()) {
      emptiedWhileDraining.tryEmitEmpty();
    }
  }

  /** Calls a hook, containing its failure so that one bad session cannot stop a drain. */
  private static boolean call(SessionRecord r, Consumer<SessionControl> hook) {
    try {
      hook.accept(r.control());
      return true;
    } catch (RuntimeException e) {
      LOG.warn("session {}: control hook failed", r.id(), e);
      return false;
    }
  }

  private void each(Consumer<SessionListener> event) {
    for (SessionListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("session listener {} failed", l, e);
      }
    }
  }
}
