package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.Target;
import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.client.Expect;
import dev.mailgate.bench.load.client.MailConnection;
import dev.mailgate.bench.load.report.LatencyRecorder;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Sample;
import dev.mailgate.bench.load.servers.Dovecot;
import dev.mailgate.bench.load.servers.ProcessMemory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Memory per idle connection: open {@code connections} IMAPS sessions (LOGIN, SELECT, IDLE), let
 * them settle, and divide the growth of the target's memory ({@link ProcessMemory}: PSS of its
 * process tree) by the number of connections. For a proxy this is the proxy's memory only (the
 * backend holds its own sessions behind it in every case). A JVM target is asked for a full GC
 * before each measurement, so that garbage does not count.
 *
 * <p>Measured at the margin (the default): the first half of the sessions is opened, then the
 * memory is taken, then the second half, and the figure is the growth from the second half divided
 * by its sessions. The first half pays what a process grows once in its life (a JVM's compiled code
 * and metaspace, heap pages first touched, an allocator's first arenas), which on a fresh JVM was
 * tens of MB at 1,000 sessions and moved by more than the per-session figure from run to run; the
 * second half holds its own sessions and nothing else. Opening sessions and closing them again
 * first would not do: a process keeps memory its allocator got back, and the next sessions reuse
 * it for nothing (nginx measured 0.1 KB per session that way). {@code --no-idle-margin}: the
 * growth from none to all, on the fresh process.
 */
public final class IdleImapsScenario implements Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(IdleImapsScenario.class);
  private static final int OPENING_AT_ONCE = 32;
  private static final Duration SETTLE = Duration.ofSeconds(2);
  /**
   * How long the backend may take to end the sessions of one target before the next target opens
   * its own: at 10,000 sessions Dovecot reaps 10,000 processes, which kept the machine's load
   * above 1,000 for minutes and made the next target's first logins time out.
   */
  private static final Duration BACKEND_QUIET = Duration.ofMinutes(5);

  private final Clients clients;
  private final Dovecot.Mailbox mailbox;
  private final int connections;
  private final boolean atTheMargin;
  private final LongSupplier backendSessions;

  /** {@code backendSessions}: the sessions the backend holds now ({@link Dovecot#sessionProcesses}). */
  public IdleImapsScenario(Clients clients, Dovecot.Mailbox mailbox, int connections, boolean atTheMargin,
      LongSupplier backendSessions) {
    this.clients = clients;
    this.mailbox = mailbox;
    this.connections = connections;
    this.atTheMargin = atTheMargin;
    this.backendSessions = backendSessions;
  }

  @Override
  public Scenario warmUp() {
    return null;
  }

  @Override
  public int port(Target target) {
    return target.imaps();
  }

  @Override
  public LoadReport.Row row() {
    return new LoadReport.Row("imaps-idle (" + connections + " connections in IDLE)", "KB/conn (lower is better)", true);
  }

  /** The second figure: the target's whole memory with the connections open. */
  public LoadReport.Row totalRow() {
    return new LoadReport.Row("imaps-idle total memory with " + connections + " connections", "MB (lower is better)", true);
  }

  @Override
  public Sample run(Target target) {
    return measure(target).get(row());
  }

  @Override
  public Map<LoadReport.Row, Sample> measure(Target target) {
    ConcurrentLinkedQueue<MailConnection> open = new ConcurrentLinkedQueue<>();
    LongAdder errors = new LongAdder();
    long backendBefore = backendSessions.getAsLong();
    try {
      int first = atTheMargin ? connections / 2 : 0;
      if (first > 0) {
        openIdle(target, first, open, errors);
      }
      settle();
      ProcessMemory.collectJvmGarbage(target.processes().get());
      long before = ProcessMemory.pssKb(target.processes().get());
      long errorsBefore = errors.sum();
      openIdle(target, connections - first, open, errors);
      settle();
      ProcessMemory.collectJvmGarbage(target.processes().get());
      long after = ProcessMemory.pssKb(target.processes().get());
      long measured = connections - first - (errors.sum() - errorsBefore);
      LOG.info("{}: {} idle connections, memory {} KB -> {} KB with the last {} of them", target.name(),
          connections - errors.sum(), before, after, measured);
      Map<LoadReport.Row, Sample> figures = new LinkedHashMap<>();
      figures.put(row(), new Sample(measured == 0 ? Double.NaN : (after - before) / (double) measured, errors.sum(), Percentiles.NONE));
      figures.put(totalRow(), new Sample(after / 1024.0, errors.sum(), Percentiles.NONE));
      return figures;
    } finally {
      List.copyOf(open).forEach(MailConnection::close);
      settle();
      awaitBackendQuiet(target, backendBefore);
    }
  }

  /** Waits, up to {@link #BACKEND_QUIET}, until the backend holds no more sessions than before. */
  private void awaitBackendQuiet(Target target, long before) {
    long start = System.nanoTime();
    long deadline = start + BACKEND_QUIET.toNanos();
    long now = backendSessions.getAsLong();
    while (now > before && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // main thread, between targets
      now = backendSessions.getAsLong();
    }
    LOG.info("{}: backend sessions {} -> {} after {} s{}", target.name(), before, now,
        Duration.ofNanos(System.nanoTime() - start).toSeconds(), now > before ? " (gave up waiting)" : "");
  }

  /** Opens {@code n} sessions into {@code open}, each in IDLE; failures are counted. */
  private void openIdle(Target target, int n, ConcurrentLinkedQueue<MailConnection> open, LongAdder errors) {
    LatencyRecorder unused = new LatencyRecorder();
    Flux.range(0, n)
        .flatMap(i -> Mono.defer(() -> MailConnection.open(clients.client(port(target), true), Expect.LINE))
            .flatMap(c -> {
              open.add(c);
              return Mono.fromFuture(ImapSessionScenario.step(c, unused, "a1",
                      "LOGIN \"" + mailbox.address() + "\" \"" + mailbox.password() + "\"")
                  .thenCompose(r -> ImapSessionScenario.step(c, unused, "a2", "SELECT INBOX"))
                  .thenCompose(r -> c.command("a3 IDLE", Expect.IMAP_CONTINUATION, "a3"))
                  .thenApply(Checks::imapContinuation));
            })
            .onErrorResume(e -> {
              errors.increment();
              if (errors.sum() == 1) {
                LOG.warn("idle connection failed: {}", e.toString());
              }
              return Mono.empty();
            }), OPENING_AT_ONCE)
        .then()
        .block(Duration.ofMinutes(10));
  }

  private static void settle() {
    LockSupport.parkNanos(SETTLE.toNanos()); // main thread: lets the servers finish their work
  }
}
