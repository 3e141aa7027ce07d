package dev.mailgate.gateway.cli;

import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TlsSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailgate run}: starts the listeners. Until the configuration module and the protocol
 * sessions land, it binds PRODUCT.md's embedded-default listeners with TLS (the generated
 * self-signed certificate) and answers every connection with the protocol's "temporarily
 * unavailable" reply; {@code --config} is refused with exit code 1.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start serving.",
      "",
      "Works today: binds the embedded default listeners (SMTP 3025 STARTTLS, submission 3587,"
          + " SMTPS 3465, POP3 3110, POP3S 3995, IMAP 3143, IMAPS 3993; ports are the standard ones"
          + " plus --port-offset), generates or reuses the self-signed certificate in the data"
          + " directory, terminates implicit TLS, and logs the transport and TLS provider.",
      "Not yet: protocol sessions (every connection gets the protocol's 'temporarily unavailable'"
          + " reply and is closed), --config (exit 1), local delivery, admin HTTP.",
      ""
    })
final class RunCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (not supported yet; also MAILGATE_CONFIG).")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: MAILGATE_DATA or ./data).")
  Path dataDir;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0", description = "Address the listeners bind (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port-offset", paramLabel = "N", defaultValue = "3000", description = "Added to the standard ports (default: ${DEFAULT-VALUE}).")
  int portOffset;

  @Option(names = "--host-name", paramLabel = "NAME", description = "Host name for the greeting and the self-signed certificate (default: this host's name).")
  String hostName;

  /** For tests: stop after this long instead of waiting for a signal. */
  @Option(names = "--stop-after", hidden = true)
  Duration stopAfter;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String configFile = config != null ? config.toString() : System.getenv("MAILGATE_CONFIG");
    if (configFile != null) {
      spec.commandLine().getErr().println("mailgate run: --config is not supported yet (the configuration module is not wired in); run without it");
      return 1;
    }
    Path data = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("MAILGATE_DATA", "data"));
    String host = hostName != null ? hostName : InetAddress.getLocalHost().getCanonicalHostName();
    try (Transport transport = Transport.create("mailgate");
        ServerTls tls = ServerTls.start(TlsSpec.defaults(List.of(), data, host));
        ListenerRegistry registry = new ListenerRegistry(transport)) {
      for (ListenerSpec l : defaultListeners()) {
        RunningListener r = registry.start(l, ListenerBinding.of(UnavailableHandler.INSTANCE, tls)).block(Duration.ofSeconds(10));
        spec.commandLine().getOut().println("listening: " + r);
      }
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Thread hook = new Thread(stop::countDown, "mailgate-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      if (stopAfter != null) {
        stop.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
      LOG.info("stopping: no new connections; open sessions get 10 s");
      registry.stopAll(Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
      if (stopAfter != null) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return 0;
  }

  private List<ListenerSpec> defaultListeners() {
    return List.of(
        listener("smtp", Protocol.SMTP, 25, TlsMode.STARTTLS),
        listener("submission", Protocol.SUBMISSION, 587, TlsMode.STARTTLS),
        listener("smtps", Protocol.SUBMISSION, 465, TlsMode.IMPLICIT),
        listener("pop3", Protocol.POP3, 110, TlsMode.STARTTLS),
        listener("pop3s", Protocol.POP3, 995, TlsMode.IMPLICIT),
        listener("imap", Protocol.IMAP, 143, TlsMode.STARTTLS),
        listener("imaps", Protocol.IMAP, 993, TlsMode.IMPLICIT));
  }

  private ListenerSpec listener(String name, Protocol p, int standardPort, TlsMode mode) {
    return ListenerSpec.of(name, p, new InetSocketAddress(bind, standardPort + portOffset), mode);
  }
}
