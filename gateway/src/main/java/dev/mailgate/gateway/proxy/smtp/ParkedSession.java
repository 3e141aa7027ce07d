package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.gateway.smtp.SessionFacts;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A backend session's record in the relay's pool of idle sessions ({@link BackendRelaySink}), made
 * the first time the session is parked and kept for its life, so that parking it again after each
 * transaction sets no timer. Its expiry is one timer on the backend connection's event loop: when
 * it fires, a session idle for {@code idleReuse} is taken out of the pool and gets QUIT, one parked
 * again since then sets the timer for the rest of its time, and one in use lets the timer lapse
 * until it is parked again. A timer set on every park and cancelled on every take was a scheduled
 * task, its lambda and two updates of the loop's timer queue per relayed message
 * (docs/performance.md, the SMTP relay's cost per message).
 *
 * <p>Taking a session out of the pool ({@code unpark}) is the claim: whoever removes it first
 * (a transaction, the timer, the client session's end) owns it. The timer's own view of whether the
 * session is parked only decides whether to set itself again.
 */
final class ParkedSession implements Runnable {
  final SmtpTransactionClient client;
  /** The backend connection's event loop: the timer runs there, on its clock. */
  private final EventExecutor loop;
  private final long idleNanos;
  /** Removes this record from the pool it is in; true when it was there (the claim). */
  private final Predicate<ParkedSession> unpark;
  /** The client session it is kept for, or null in the shared pool; set as it is parked. */
  volatile SessionFacts key;
  // guarded by this
  private boolean parked;
  private long since;
  private boolean timerSet;

  ParkedSession(SmtpTransactionClient client, EventExecutor loop, Duration idleReuse,
      Predicate<ParkedSession> unpark) {
    this.client = client;
    this.loop = loop;
    this.idleNanos = idleReuse.toNanos();
    this.unpark = unpark;
  }

  /** Called before the record goes into a pool: from now on it is idle. */
  void parking(SessionFacts key) {
    this.key = key;
    boolean set;
    synchronized (this) {
      parked = true;
      since = now();
      set = !timerSet;
      timerSet = true;
    }
    if (set) {
      loop.schedule(this, idleNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Taken out of its pool by its new owner: returns the backend session. */
  SmtpTransactionClient take() {
    synchronized (this) {
      parked = false;
    }
    return client;
  }

  /** The expiry timer, on the backend connection's event loop. */
  @Override
  public void run() {
    long left;
    synchronized (this) {
      if (!parked) {
        timerSet = false; // in use: the next park sets it again
        return;
      }
      left = since + idleNanos - now();
      if (left <= 0) {
        timerSet = false;
      }
    }
    if (left > 0) {
      loop.schedule(this, left, TimeUnit.NANOSECONDS);
    } else if (unpark.test(this)) {
      take().quit().subscribe();
    }
  }

  private long now() {
    return loop.ticker().nanoTime();
  }
}
