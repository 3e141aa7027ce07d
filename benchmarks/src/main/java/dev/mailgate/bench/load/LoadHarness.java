package dev.mailgate.bench.load;

import dev.mailgate.bench.load.client.Clients;
import dev.mailgate.bench.load.report.LoadReport;
import dev.mailgate.bench.load.report.RatioChart;
import dev.mailgate.bench.load.report.Sample;
import dev.mailgate.bench.load.report.Percentiles;
import dev.mailgate.bench.load.report.Series;
import dev.mailgate.bench.load.scenario.IdleImapsScenario;
import dev.mailgate.bench.load.scenario.ImapLargeFetchScenario;
import dev.mailgate.bench.load.scenario.ImapSessionScenario;
import dev.mailgate.bench.load.scenario.Pop3RetrScenario;
import dev.mailgate.bench.load.scenario.Scenario;
import dev.mailgate.bench.load.scenario.SmtpOpenLoopScenario;
import dev.mailgate.bench.load.scenario.SmtpRelayScenario;
import dev.mailgate.bench.load.scenario.SmtpSourceScenario;
import dev.mailgate.bench.load.scenario.TlsHandshakeScenario;
import dev.mailgate.bench.load.servers.AuthHttpEndpoint;
import dev.mailgate.bench.load.servers.BenchPki;
import dev.mailgate.bench.load.servers.Dovecot;
import dev.mailgate.bench.load.servers.MailgateProcess;
import dev.mailgate.bench.load.servers.NettySplice;
import dev.mailgate.bench.load.servers.NettySpliceProcess;
import dev.mailgate.bench.load.servers.Nginx;
import dev.mailgate.bench.load.servers.ProcessCpu;
import dev.mailgate.bench.load.servers.SmtpSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load harness: starts Dovecot, smtp-sink, nginx's mail proxy (default and tuned
 * proxy_buffer) with its auth_http endpoint, and mailgate; runs every scenario against every
 * target, interleaved (round by round, the target order rotating), and writes the report with the
 * ratios of mailgate to the others. Run it with {@code ./benchmarks/run-load}; see
 * docs/performance.md.
 */
@Command(name = "run-load", mixinStandardHelpOptions = true,
    description = "Load mailgate, Dovecot/smtp-sink directly, and nginx's mail proxy side by side.")
public final class LoadHarness implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(LoadHarness.class);

  static final String DIRECT = "direct";
  static final String NGINX = "nginx";
  static final String NGINX_TUNED = "nginx-tuned";
  static final String MAILGATE = "mailgate";
  /** {@link NettySplice}: the floor of a JVM IMAP proxy on Netty, a reference for mailgate's own cost. */
  static final String NETTY_SPLICE = "netty-splice";
  /**
   * mailgate with {@code imap_session_reuse: 0s}: every IMAP session logs in and out at Dovecot, as
   * through nginx; what the relay alone does, beside the default that keeps sessions after LOGOUT.
   */
  static final String MAILGATE_NO_REUSE = "mailgate-no-reuse";

  @Option(names = "--duration", description = "Seconds per scenario, per target, per round (default ${DEFAULT-VALUE}).")
  double durationSeconds = 2;

  @Option(names = "--rounds", description = "Rounds; figures are medians over them (default ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--scenarios", split = ",", description = "Among: ${COMPLETION-CANDIDATES} (default: all).")
  List<ScenarioName> scenarios = List.of(ScenarioName.values());

  @Option(names = "--targets", split = ",",
      description = "Among direct, nginx, nginx-tuned, mailgate, mailgate-no-reuse and netty-splice (these two in the "
          + "plaintext IMAP scenarios only) (default: all).")
  List<String> targets = List.of(DIRECT, NGINX, NGINX_TUNED, MAILGATE, MAILGATE_NO_REUSE, NETTY_SPLICE);

  @Option(names = "--concurrency", description = "Concurrent sessions of the throughput scenarios (default ${DEFAULT-VALUE}).")
  int concurrency = 8;

  @Option(names = "--smtp-messages", description = "Messages per SMTP session (default ${DEFAULT-VALUE}).")
  int smtpMessages = 10;

  @Option(names = "--smtp-source-batch", description = "Messages per smtp-source invocation, repeated for the duration (default ${DEFAULT-VALUE}).")
  int smtpSourceBatch = 40;

  // A JVM target reaches its steady state only after the JIT compiled its hot paths: with 1 s,
  // round 1 of a scenario ran at a third of rounds 2 and 3 through mailgate and dragged the medians.
  @Option(names = "--warmup", description = "Seconds of untimed load per scenario and target before the rounds, "
      + "so a JVM target is past its JIT warm-up when timing starts; 0 skips it (default ${DEFAULT-VALUE}).")
  double warmupSeconds = 5;

  @Option(names = "--idle-rounds", description = "Rounds of the idle scenario, the slowest (default ${DEFAULT-VALUE}).")
  int idleRounds = 1;

  @Option(names = "--idle-connections", description = "Connections of the idle scenario (default ${DEFAULT-VALUE}; the goal is stated for 10000).")
  int idleConnections = 1000;

  @Option(names = "--idle-margin", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Measure the idle scenario's memory per session on its second half, after the first half "
          + "paid the process's one-time growth (default ${DEFAULT-VALUE}; --no-idle-margin: from none to all).")
  boolean idleMargin = true;

  @Option(names = "--nginx-tuned-buffer", description = "proxy_buffer of the tuned nginx (default ${DEFAULT-VALUE}).")
  String nginxTunedBuffer = "256k";

  @Option(names = "--open-rate", description = "Arrival rate (msgs/s) of smtp_open; 0: half the lowest smtp_4k median of the run (default ${DEFAULT-VALUE}).")
  double openRate = 0;

  @Option(names = "--client-threads", description = "Event loop threads of the load clients (default ${DEFAULT-VALUE}).")
  int clientThreads = 1;

  @Option(names = "--mailgate-java-opts", description = "MAILGATE_JAVA_OPTS for the launcher (default: the launcher's).")
  String mailgateJavaOpts;

  @Option(names = "--repo", description = "Repository root, where the mailgate launcher is (default ${DEFAULT-VALUE}).")
  Path repo = Path.of(".");

  @Option(names = "--work-dir", description = "Configs, mailboxes and logs of the servers (default ${DEFAULT-VALUE}).")
  Path workDir = Path.of("benchmarks/target/load");

  @Option(names = "--report", description = "Where the Markdown report goes (default ${DEFAULT-VALUE}).")
  Path reportFile = Path.of("benchmarks/target/load-report.md");

  private MailgateProcess mailgate;
  /** The backend of every target; the idle scenario waits for it to end one target's sessions. */
  private Dovecot dovecot;
  /** The backends themselves, every pair's other half in smtp_open_paired; null when not a target of the run. */
  private Target direct;

  /** The report of the run in progress: smtp_open takes its rate from it. */
  private LoadReport report;

  /** The scenarios, in the order they run within a round. */
  enum ScenarioName { imap_session, smtp_4k, smtp_1m, smtp_source, imap_fetch, pop3_retr, imaps_handshake, imaps_idle, smtp_open,
    smtp_open_paired }

  static final Dovecot.Mailbox SESSION_BOX = new Dovecot.Mailbox("alice@example.test", "alice-Secret-1", 20, 4 * 1024);
  static final Dovecot.Mailbox LARGE_BOX = new Dovecot.Mailbox("bob@example.test", "bob-Secret-2", 10, 200 * 1024);

  public static void main(String[] args) {
    Machine.arguments(args);
    int code = new CommandLine(new LoadHarness()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    Path work = workDir.toAbsolutePath();
    deleteTree(work);
    Files.createDirectories(work);
    int maxConnections = Math.max(idleConnections, 4 * concurrency) + 100;
    long openFiles = Machine.openFilesLimit();
    if (scenarios.contains(ScenarioName.imaps_idle) && openFiles > 0 && 2L * idleConnections + 100 > openFiles) {
      // a proxy in one process holds two descriptors a session: the client's and the backend's
      LOG.warn("the open-files limit is {}: a one-process proxy (mailgate) can hold about {} of the {} idle sessions; "
          + "the rest will fail (raise the hard limit: ulimit -Hn as root)", openFiles, (openFiles - 100) / 2, idleConnections);
    }
    List<AutoCloseable> started = new ArrayList<>();
    Thread cleanup = new Thread(() -> closeAll(started), "load-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      BenchPki pki = BenchPki.create(work.resolve("tls"));
      dovecot = add(started, Dovecot.start(work.resolve("dovecot"), pki, List.of(SESSION_BOX, LARGE_BOX), maxConnections));
      SmtpSink sink = add(started, SmtpSink.start(work, 1024));
      Map<String, Target> all = new LinkedHashMap<>();
      all.put(DIRECT, new Target(DIRECT, dovecot.imapPort(), dovecot.imapsPort(), dovecot.pop3Port(), dovecot.pop3sPort(), sink.port(),
          // the sink answers the SMTP scenarios' direct runs; its memory is constant, and the
          // idle figure is a difference
          () -> List.of(dovecot.pid(), sink.pid())));
      if (targets.contains(NGINX) || targets.contains(NGINX_TUNED)) {
        AuthHttpEndpoint auth = add(started, AuthHttpEndpoint.start(
            Map.of(SESSION_BOX.address(), SESSION_BOX.password(), LARGE_BOX.address(), LARGE_BOX.password()),
            Map.of("imap", dovecot.imapPort(), "pop3", dovecot.pop3Port(), "smtp", sink.port())));
        // one nginx per variant: sharing a master would let the second variant measured reuse the
        // memory the first one's workers grew, and flatter its idle-connection figure
        for (Nginx.Variant variant : List.of(new Nginx.Variant(NGINX, null), new Nginx.Variant(NGINX_TUNED, nginxTunedBuffer))) {
          if (!targets.contains(variant.name())) {
            continue;
          }
          Path dir = Files.createDirectories(work.resolve(variant.name()));
          Nginx nginx = add(started, Nginx.start(dir, pki, auth.port(), List.of(variant), maxConnections));
          Nginx.Ports p = nginx.ports(variant.name());
          all.put(variant.name(), new Target(variant.name(), p.imap(), p.imaps(), p.pop3(), p.pop3s(), p.smtp(),
              () -> List.of(nginx.pid())));
        }
      }
      if (targets.contains(MAILGATE)) {
        mailgate = add(started, MailgateProcess.start(work.resolve("mailgate"), repo.toAbsolutePath().resolve("mailgate"),
            mailgateJavaOpts, pki, dovecot, sink));
        MailgateProcess.Ports p = mailgate.ports();
        MailgateProcess mg = mailgate;
        all.put(MAILGATE, new Target(MAILGATE, p.imap(), p.imaps(), p.pop3(), p.pop3s(), p.smtp(), () -> List.of(mg.pid())));
      }
      if (targets.contains(MAILGATE_NO_REUSE)) {
        MailgateProcess noReuse = add(started, MailgateProcess.start(work.resolve(MAILGATE_NO_REUSE),
            repo.toAbsolutePath().resolve("mailgate"), mailgateJavaOpts, pki, dovecot, sink, "0s"));
        all.put(MAILGATE_NO_REUSE, new Target(MAILGATE_NO_REUSE, noReuse.ports().imap(), 0, 0, 0, 0,
            () -> List.of(noReuse.pid())));
      }
      if (targets.contains(NETTY_SPLICE)) {
        NettySpliceProcess splice = add(started, NettySpliceProcess.start(work.resolve(NETTY_SPLICE), mailgateJavaOpts, dovecot));
        all.put(NETTY_SPLICE, new Target(NETTY_SPLICE, splice.imapPort(), 0, 0, 0, 0, () -> List.of(splice.pid())));
      }
      List<Target> chosen = targets.stream().map(all::get).toList();
      direct = targets.contains(DIRECT) ? all.get(DIRECT) : null;
      try (Clients clients = new Clients(clientThreads, pki.caFile())) {
        LoadReport report = run(clients, chosen);
        Files.createDirectories(reportFile.toAbsolutePath().getParent());
        Files.writeString(reportFile, report.toMarkdown());
        Files.writeString(chartFile(), RatioChart.svg(report));
        LOG.info("report written to {} (chart {}):\n{}", reportFile, chartFile(), report.toMarkdown());
      }
      return 0;
    } finally {
      closeAll(started);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  private List<Scenario> scenarios(Clients clients, Duration d) {
    List<Scenario> list = new ArrayList<>();
    for (ScenarioName s : scenarios) {
      list.add(switch (s) {
        case imap_session -> new ImapSessionScenario(clients, SESSION_BOX, d, concurrency);
        case smtp_4k -> new SmtpRelayScenario(clients, 4 * 1024, smtpMessages, d, concurrency);
        case smtp_1m -> new SmtpRelayScenario(clients, 1024 * 1024, Math.max(1, smtpMessages / 5), d, Math.max(1, concurrency / 2));
        case smtp_source -> new SmtpSourceScenario(concurrency, smtpSourceBatch, 4 * 1024, d);
        case imap_fetch -> new ImapLargeFetchScenario(clients, LARGE_BOX, d, Math.max(1, concurrency / 2));
        case pop3_retr -> new Pop3RetrScenario(clients, LARGE_BOX, d, Math.max(1, concurrency / 2));
        case imaps_handshake -> new TlsHandshakeScenario(clients, d, concurrency);
        case imaps_idle -> new IdleImapsScenario(clients, SESSION_BOX, idleConnections, idleMargin, dovecot::sessionProcesses);
        case smtp_open -> new SmtpOpenLoopScenario(new SmtpRelayScenario(clients, 4 * 1024, smtpMessages, d, concurrency),
            concurrency, d, this::openRate);
        case smtp_open_paired -> new SmtpOpenLoopScenario(
            new SmtpRelayScenario(clients, 4 * 1024, smtpMessages, d, concurrency), concurrency, d, this::openRate)
            .paired(() -> direct);
      });
    }
    return list;
  }

  private LoadReport run(Clients clients, List<Target> chosen) throws Exception {
    List<Scenario> list = scenarios(clients, Duration.ofMillis((long) (durationSeconds * 1000)));
    LoadReport report = new LoadReport(chosen.stream().map(Target::name).toList(), MAILGATE, DIRECT);
    this.report = report;
    String loadBefore = Machine.loadAverage();
    // memory first, on servers that have served nothing yet: a JVM's heap, once touched by the
    // throughput scenarios, stays resident and would hide what idle connections cost
    for (int round = 0; round < Math.min(idleRounds, rounds); round++) {
      for (Scenario scenario : list) {
        if (scenario instanceof IdleImapsScenario) {
          runAgainstAll(scenario, chosen, round, report);
        }
      }
    }
    if (mailgate != null && list.stream().anyMatch(IdleImapsScenario.class::isInstance)) {
      // the other scenarios start from a fresh process too, not one that has just held (or
      // failed to hold) thousands of sessions
      LOG.info("restarting mailgate after the idle scenario");
      mailgate.restart();
    }
    if (warmupSeconds > 0) {
      // JIT warm-up of mailgate and of the harness itself; the figures are discarded
      // by row, so smtp_open's closed-loop transaction does not warm up twice beside smtp_4k
      Map<LoadReport.Row, Scenario> warmUps = new LinkedHashMap<>();
      for (Scenario scenario : scenarios(clients, Duration.ofMillis((long) (warmupSeconds * 1000)))) {
        Scenario w = scenario.warmUp();
        if (w != null) {
          warmUps.putIfAbsent(w.row(), w);
        }
      }
      for (Scenario scenario : warmUps.values()) {
        for (Target t : chosen) {
          if (scenario.port(t) == 0) {
            continue;
          }
          scenario.run(t);
        }
      }
      LOG.info("warm-up done");
    }
    for (int round = 0; round < rounds; round++) {
      for (Scenario scenario : list) {
        if (!(scenario instanceof IdleImapsScenario) && !(scenario instanceof SmtpOpenLoopScenario)) {
          runAgainstAll(scenario, chosen, round, report);
        }
      }
    }
    warmUpOpenLoops(clients, chosen);
    // at a fixed rate, after the closed-loop rounds that give the peak it is half of
    for (int round = 0; round < rounds; round++) {
      for (Scenario scenario : list) {
        if (scenario instanceof SmtpOpenLoopScenario) {
          runAgainstAll(scenario, chosen, round, report);
        }
      }
    }
    report.headerLine("command: `" + String.join(" ", "./benchmarks/run-load", String.join(" ", Machine.arguments())).trim() + "`");
    report.headerLine("date: " + Instant.now());
    report.headerLine("machine: " + Machine.description());
    report.headerLine("load average (1, 5, 15 min) before: " + loadBefore + "; after: " + Machine.loadAverage());
    report.headerLine(rounds + " rounds × " + durationSeconds + " s per scenario and target, interleaved, after "
        + warmupSeconds + " s of warm-up each (idle scenario: " + Math.min(idleRounds, rounds) + " round(s), "
        + (idleMargin ? "memory per session from its second half" : "memory per session from none to all")
        + "); client event loops: "
        + clientThreads);
    report.headerLine("nginx tuned proxy_buffer: " + nginxTunedBuffer + "; backends: Dovecot " + Machine.dovecotVersion()
        + ", Postfix smtp-sink; " + Machine.nginxVersion());
    return report;
  }

  /**
   * The open loops' own untimed warm-up, once their rate is known. A fixed rate leaves the event
   * loops idle between arrivals and takes branches the closed loop never took: without this, C2
   * deoptimised the io_uring read path ({@code AbstractUringUnsafe.handle}, {@code readComplete0})
   * in the middle of round 1, and round 1's p99 added was 5–15 ms against 1–2 ms in the rounds after.
   */
  private void warmUpOpenLoops(Clients clients, List<Target> chosen) throws Exception {
    if (warmupSeconds <= 0) {
      return;
    }
    boolean any = false;
    for (Scenario scenario : scenarios(clients, Duration.ofMillis((long) (warmupSeconds * 1000)))) {
      if (!(scenario instanceof SmtpOpenLoopScenario)) {
        continue;
      }
      for (Target t : chosen) {
        if (scenario.port(t) != 0) {
          scenario.measure(t);
          any = true;
        }
      }
    }
    if (any) {
      LOG.info("open-loop warm-up done");
    }
  }

  /**
   * The arrival rate of smtp_open: {@code --open-rate}, else half of the lowest median of the
   * closed-loop 4 KB relay among the targets of this run (so every target gets the same load, at
   * most half of what the slowest one peaks at). NaN when neither is known.
   */
  double openRate() {
    if (openRate > 0) {
      return openRate;
    }
    double lowest = Double.NaN;
    for (LoadReport.Row row : report.rows()) {
      if (!row.scenario().startsWith("smtp-relay 4 KB (")) {
        continue;
      }
      for (String t : report.targets()) {
        Series series = report.series(row, t);
        if (series != null && !series.isEmpty() && !(series.median() >= lowest)) {
          lowest = series.median();
        }
      }
    }
    if (Double.isNaN(lowest)) {
      LOG.warn("smtp_open: no smtp_4k figures in this run and no --open-rate; skipped");
    }
    return lowest / 2;
  }

  /** One scenario against every target, the order rotated by the round so no target always goes first. */
  private void runAgainstAll(Scenario scenario, List<Target> chosen, int round, LoadReport report) throws Exception {
    for (int i = 0; i < chosen.size(); i++) {
      Target t = chosen.get((i + round) % chosen.size());
      if (scenario.port(t) == 0) {
        continue; // a reference target that does not serve this protocol
      }
      List<Long> processes = t.processes().get();
      long cpuBefore = ProcessCpu.millis(processes);
      long jitBefore = ProcessCpu.compilerMillis(processes);
      Map<LoadReport.Row, Sample> figures = scenario.measure(t);
      long cpuMillis = ProcessCpu.millis(processes) - cpuBefore;
      long jitMillis = ProcessCpu.compilerMillis(processes) - jitBefore;
      for (Map.Entry<LoadReport.Row, Sample> e : figures.entrySet()) {
        Sample s = e.getValue();
        // rates only (not the idle scenario's memory), and one row per measurement: the units a
        // rate stands for are the rate times the scenario's duration
        if (figures.size() == 1 && e.getKey().unit().endsWith("/s") && s.value() > 0) {
          double units = s.value() * durationSeconds;
          report.addCpu(e.getKey(), t.name(), cpuMillis / units);
          if (t.name().equals(report.subject())) {
            report.addSubjectCpuWithoutJit(e.getKey(), (cpuMillis - jitMillis) / units);
          }
        }
        Percentiles l = s.latency();
        String value = String.format(e.getKey().isDifference() ? "%.2f" : "%.1f", s.value());
        if (l.count() == 0) {
          LOG.info("round {} {} {}: {} {} (errors {})", round + 1, e.getKey().scenario(), t.name(), value,
              e.getKey().unit(), s.errors());
        } else {
          LOG.info("round {} {} {}: {} {} (errors {}, p50 {} ms, p99 {} ms; p90 {}, p99.9 {}, max {} ms)", round + 1,
              e.getKey().scenario(), t.name(), value, e.getKey().unit(), s.errors(),
              String.format("%.2f", l.p50Millis()), String.format("%.2f", l.p99Millis()),
              String.format("%.2f", l.p90Millis()), String.format("%.2f", l.p999Millis()),
              String.format("%.2f", l.maxMillis()));
        }
        report.add(e.getKey(), t.name(), s);
      }
    }
  }

  /** The chart goes next to the report: load-report.md → load-report.svg. */
  private Path chartFile() {
    String name = reportFile.getFileName().toString().replaceFirst("\\.md$", "") + ".svg";
    return reportFile.resolveSibling(name);
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T server) {
    synchronized (started) {
      started.add(server);
    }
    return server;
  }

  private static void closeAll(List<AutoCloseable> started) {
    synchronized (started) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception e) {
          LOG.warn("stopping {}: {}", started.get(i), e.toString());
        }
      }
      started.clear();
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
