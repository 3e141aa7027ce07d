package dev.mailgate.gateway.session;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into a graceful drain that exits 0, and SIGHUP into a config reload.
 *
 * <p>Why {@code sun.misc.Signal} rather than only a shutdown hook: a JVM stopped by SIGTERM through
 * its shutdown hooks exits with status 143, which systemd and orchestrators report as a failure;
 * handling the signal ourselves lets the drain finish and then call {@code System.exit(0)}. The
 * class lives in the {@code jdk.unsupported} module, present in every OpenJDK 17 runtime. If the VM
 * refuses a handler (for example under {@code -Xrs}), {@link #install} falls back to a shutdown
 * hook that still drains, and the exit status is then the VM's.
 *
 * <p>Signal handlers run on the VM's signal-dispatch thread, which must not block, so the drain and
 * the reload each run on a fresh thread.
 */
public final class TerminationSignals {
  private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);

  /** How the handlers were installed. */
  public enum Mechanism {
    /** TERM/INT/HUP handled with {@code sun.misc.Signal}: drains and exits 0. */
    SIGNAL_HANDLER,
    /** Only a shutdown hook: drains, but the VM sets the exit status. */
    SHUTDOWN_HOOK
  }

  private final Supplier<Mono<DrainReport>> drain;
  private final Runnable reload;
  private final IntConsumer exit;
  private final Duration maxWait;
  private final AtomicBoolean terminating = new AtomicBoolean();

  /**
   * @param drain starts (or joins) the drain, usually {@code coordinator::drain}
   * @param reload reloads the configuration on SIGHUP; must report its own errors
   * @param exit ends the process, {@code System::exit} in production
   * @param maxWait the longest the drain may take before exiting anyway (the drain timeout plus a
   *     margin for the forced closes)
   */
  public TerminationSignals(
      Supplier<Mono<DrainReport>> drain, Runnable reload, IntConsumer exit, Duration maxWait) {
    this.drain = Objects.requireNonNull(drain, "drain");
    this.reload = Objects.requireNonNull(reload, "reload");
    this.exit = Objects.requireNonNull(exit, "exit");
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  /** Installs the handlers; returns which mechanism is in force, for the startup log. */
  public Mechanism install() {
    try {
      Signal.handle(new Signal("TERM"), s -> terminate("SIGTERM"));
      Signal.handle(new Signal("INT"), s -> terminate("SIGINT"));
      SignalHandler before = Signal.handle(new Signal("HUP"), s -> startThread("mailgate-reload", reload));
      if (before == SignalHandler.SIG_IGN) {
        // The JVM keeps a signal that was ignored when it started (nohup) ignored, and says so only
        // through this return value: without this line, SIGHUP would silently do nothing.
        LOG.warn("SIGHUP is ignored (started under nohup?): reload with POST /reload or the file watch");
      }
      return Mechanism.SIGNAL_HANDLER;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.warn("signal handlers unavailable ({}); draining from a shutdown hook instead", e.toString());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> awaitDrain("shutdown"), "mailgate-drain-hook"));
      return Mechanism.SHUTDOWN_HOOK;
    }
  }

  /**
   * What a termination signal does: drain on a new thread, then exit 0. A second signal while
   * draining (an impatient Ctrl-C) exits at once with status 1, leaving the sessions to die with
   * the process.
   */
  void terminate(String why) {
    if (!terminating.compareAndSet(false, true)) {
      LOG.warn("{} while draining: exiting now", why);
      startThread("mailgate-exit", () -> exit.accept(1));
      return;
    }
    startThread(
        "mailgate-drain",
        () -> {
          awaitDrain(why);
          exit.accept(0);
        });
  }

  private void awaitDrain(String why) {
    LOG.info("{}: draining", why);
    try {
      drain.get().block(maxWait);
    } catch (RuntimeException e) {
      // the timeout or a failure: exit anyway, the sessions still open die with the process
      LOG.error("{}: drain did not complete within {}", why, maxWait, e);
    }
  }

  private static void startThread(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(false);
    t.start();
  }
}
