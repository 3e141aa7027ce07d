package dev.mailgate.gateway.cli;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.config.RoutingFactory;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.app.ReactorAuthHttpClient;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteDecision;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.Router;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.scheduler.Schedulers;

/** {@code mailgate route ...}: routing questions answered offline from the configuration. */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = "Ask the routing rules.",
    subcommands = RouteCommand.Explain.class)
final class RouteCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code mailgate route explain ADDRESS}: evaluates the routing rules for a login (or, for
   * {@code --protocol smtp}, a recipient) as a session would, asking the configured lookups (file,
   * static, auth_http without a password), and prints the decision, each rule's match or mismatch,
   * and the policies the session meets. Backends are assumed reachable (no circuit state offline).
   * Exit 0 when routed, 1 when not (no route, refused, lookup failed).
   */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = {"Say which backend and which policies a session would get, and why.",
          "Exit 0 when the session is routed, 1 when it is not."})
  static final class Explain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ADDRESS",
        description = "The login name (IMAP, POP3, submission) or recipient address (smtp).")
    String address;

    @Option(names = "--protocol", paramLabel = "P", defaultValue = "imap",
        description = "smtp, submission, pop3 or imap (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--ip", paramLabel = "IP", defaultValue = "127.0.0.1",
        description = "The client's address (default: ${DEFAULT-VALUE}).")
    String ip;

    @Option(names = "--listener", paramLabel = "NAME",
        description = "The listener (default: the first one of the protocol).")
    String listener;

    @Mixin ConfigOption configOption;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      MailProtocol p = MailProtocol.fromConfigName(protocol);
      if (p == null) {
        err.println("--protocol: expected smtp, submission, pop3 or imap, got '" + protocol + "'");
        return ExitCodes.USAGE;
      }
      Optional<InetAddress> client = IpLiterals.parse(ip);
      if (client.isEmpty()) {
        err.println("--ip: not an IP address: '" + ip + "'");
        return ExitCodes.USAGE;
      }
      MailgateConfig cfg;
      try {
        cfg = configOption.load();
      } catch (ConfigOption.ConfigErrors e) {
        err.println(e.getMessage());
        return ExitCodes.USAGE;
      }
      String listenerName = listener != null ? listener
          : cfg.listeners().stream().filter(l -> l.protocol() == p).map(ListenerConfig::name).findFirst().orElse(p.configName());
      if (listener != null && cfg.listener(listener).isEmpty()) {
        err.println("--listener: no listener named '" + listener + "' in the configuration");
        return ExitCodes.USAGE;
      }
      var lookups = RoutingFactory.lookups(cfg, Schedulers.boundedElastic(),
          h -> new ReactorAuthHttpClient(h.url(), h.timeout()), Ticker.systemTicker(), ForkJoinPool.commonPool());
      Router router = RoutingFactory.router(cfg, lookups, b -> true);
      boolean byDomain = p == MailProtocol.SMTP;
      String domain = dev.mailgate.gateway.app.LocalDomainIndex.domainOf(address);
      RouteFacts facts = byDomain
          ? RouteFacts.forDomain(domain == null ? address : domain, listenerName, p, client.get(), false)
          : RouteFacts.forUser(address, listenerName, p, client.get(), false);
      RouteDecision d = router.route(facts).block(Duration.ofSeconds(30));

      out.println("session:   " + (byDomain ? "recipient domain " + facts.domain() : "user " + address)
          + ", protocol " + p.configName() + ", listener " + listenerName + ", client " + ip);
      out.println("decision:  " + d.outcome() + d.target().map(t -> " -> " + t).orElse("")
          + d.rule().map(r -> " (rule '" + r + "')").orElse(""));
      if (!d.candidates().isEmpty()) {
        out.println("backends:  " + String.join(", ", d.candidates()) + " (in this order)");
      }
      out.println("why:");
      d.explanation().forEach(line -> out.println("  " + line));
      out.println("policies:");
      PolicyEngine.create(cfg.policySettings()).describe().forEach(line -> out.println("  " + line));
      cfg.listener(listenerName).ifPresent(l -> out.println("  plaintext login before TLS allowed from: "
          + (l.allowPlaintextAuth().isEmpty() ? "nowhere" : l.allowPlaintextAuth())));
      return d.outcome() == RouteDecision.Outcome.ROUTED ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }
}
