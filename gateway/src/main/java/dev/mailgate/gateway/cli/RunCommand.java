package dev.mailgate.gateway.cli;

import dev.mailgate.gateway.admin.Reloader;
import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.app.StartupException;
import dev.mailgate.gateway.session.TerminationSignals;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailgate run}: starts the gateway ({@link MailgateApp}) and serves until SIGTERM or SIGINT,
 * which drain the sessions and exit 0; SIGHUP reloads the configuration.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start serving.",
      "",
      "Without --config (or MAILGATE_CONFIG): the embedded default, a complete mail server for local"
          + " users on the standard ports + 3000 (SMTP 3025, submission 3587, SMTPS 3465, POP3 3110,"
          + " POP3S 3995, IMAP 3143, IMAPS 3993), a self-signed certificate generated on first start"
          + " and kept in the data directory, and the admin endpoint on http://127.0.0.1:8025/.",
      "Signals: SIGTERM/SIGINT drain the sessions and exit 0; SIGHUP reloads the configuration"
          + " (as does POST /reload and saving the file).",
      ""
    })
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOption configOption;

  @Option(names = "--port-offset", paramLabel = "N",
      description = "Added to every listener port and the admin port (default: MAILGATE_PORT_OFFSET, else 0);"
          + " for tests and a second instance on one host.")
  Integer portOffset;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "How long sessions get to finish on SIGTERM (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--watch", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Reload when the configuration file changes (default: on; --no-watch: only SIGHUP and POST /reload).")
  boolean watch;

  /** For in-process tests: serve this long, then drain and return, without signal handlers. */
  @Option(names = "--stop-after", hidden = true)
  Duration stopAfter;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int offset = portOffset != null ? portOffset : envPortOffset();
    AppOptions options = new AppOptions(configOption.file(), configOption.env(), offset, drainTimeout, watch);
    MailgateApp app;
    try {
      app = MailgateApp.start(options, ProtocolHandlers.standard());
    } catch (StartupException e) {
      err.println("mailgate run: cannot start:");
      err.println(e.getMessage());
      return ExitCodes.FAILURE;
    }
    try (app) {
      for (var l : app.config().listeners()) {
        app.listeners().stream().filter(r -> r.spec().name().equals(l.name())).findFirst()
            .ifPresent(r -> out.println("listening: " + r));
      }
      app.adminPort().ifPresent(p -> out.println("admin: http://" + app.config().admin().bind().host() + ":" + p + "/"));

      CompletableFuture<Integer> exit = new CompletableFuture<>();
      Duration maxWait = drainTimeout.plusSeconds(10);
      // Signals first, "ready" after: a supervisor that sends SIGHUP on seeing "ready" must not hit
      // the JVM's default SIGHUP action, which exits (seen under load in RunSignalsTest).
      if (stopAfter == null) {
        TerminationSignals signals = new TerminationSignals(app::drain, () -> logReload(app.reload()), exit::complete, maxWait);
        LOG.info("signals: {}", signals.install());
      }
      out.println("mailgate: ready");
      out.flush();
      if (stopAfter == null) {
        return exit.get();
      }
      try {
        return exit.get(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        app.drain().block(maxWait);
        return ExitCodes.OK;
      }
    }
  }

  private static void logReload(Reloader.Result r) {
    if (r.applied() && r.errors().isEmpty()) {
      LOG.info("SIGHUP: configuration reloaded");
    } else {
      LOG.warn("SIGHUP: {}:\n{}", r.applied() ? "reloaded with problems" : "reload rejected, the running configuration stays",
          String.join("\n", r.errors()));
    }
  }

  private int envPortOffset() {
    String v = System.getenv("MAILGATE_PORT_OFFSET");
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "MAILGATE_PORT_OFFSET is not a number: " + v);
    }
  }
}
