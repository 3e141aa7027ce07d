package dev.mailgate.gateway.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler} over a channel's own event loop, for the timers of a session's
 * dialogue ({@code Mono.delay}, {@code timeout}). Reactor's default for them is the parallel
 * scheduler: a {@code ScheduledThreadPoolExecutor} whose lock every set and cancel takes and whose
 * thread each set may wake, on every login. On the event loop a timer set and cancelled where the
 * bytes arrive is an entry in the loop's own queue, and a timeout's fallback runs on the thread
 * that owns the session's state.
 *
 * <p>One scheduler per event loop, kept for the process's life: the loops are few and fixed, and
 * the schedulers are never disposed (disposing one would shut its event loop down).
 */
public final class LoopTimers {

  private static final ConcurrentHashMap<EventLoop, Scheduler> SCHEDULERS = new ConcurrentHashMap<>();

  private LoopTimers() {}

  /** The timer scheduler of the channel's event loop. */
  public static Scheduler of(Channel channel) {
    EventLoop loop = channel.eventLoop();
    Scheduler s = SCHEDULERS.get(loop);
    return s != null ? s : SCHEDULERS.computeIfAbsent(loop, l -> Schedulers.fromExecutorService(l, "loop-timers"));
  }
}
