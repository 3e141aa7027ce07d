package dev.mailgate.gateway.app;

import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.user.UserStore;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.route.Router;
import java.nio.file.Path;
import java.util.function.Supplier;
import reactor.core.scheduler.Scheduler;

/**
 * Everything a protocol handler may be built from, gathered by {@link MailgateApp} so that a
 * {@link ProtocolHandlers.Builder} stays one line. The suppliers always give the current snapshot
 * (a reload swaps what they return); a session reads them once when it starts and keeps the value.
 *
 * @param config the running configuration snapshot
 * @param tls the server TLS (SNI certificates), or null when no certificate is available
 * @param store the local mailbox tier
 * @param users the local users (AUTH verification, aliases, local delivery)
 * @param localDomains the domains the local tier owns (configured plus those of local users)
 * @param policies the policy engine of the running configuration
 * @param router the router of the running configuration
 * @param backends the backend connector and per-protocol backends
 * @param metrics the meters
 * @param sessions the live sessions (admin API, drain)
 * @param io a bounded scheduler for blocking file work (spools)
 * @param dataDir the data directory (the local tier lives in {@code config().local().dataDir()})
 * @param provisioning gives a local user their mailboxes on first use, with the configured quota
 */
public record AppContext(
    Supplier<MailgateConfig> config,
    ServerTls tls,
    MailStore store,
    UserStore users,
    LocalDomainIndex localDomains,
    Supplier<PolicyEngine> policies,
    Supplier<Router> router,
    Backends backends,
    GatewayMetrics metrics,
    SessionRegistry sessions,
    Scheduler io,
    Path dataDir,
    MailboxProvisioning provisioning) {

  /** The host name for greetings (server.hostname). */
  public String hostname() {
    return config.get().server().hostname();
  }
}
