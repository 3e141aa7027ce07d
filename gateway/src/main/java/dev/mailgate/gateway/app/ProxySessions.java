package dev.mailgate.gateway.app;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.config.model.AuthMode;
import dev.mailgate.config.model.BackendConfig;
import dev.mailgate.config.model.ConveyClient;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.LookupConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.config.model.MasterUserConfig;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import dev.mailgate.gateway.proxy.imap.ClientConveyance;
import dev.mailgate.gateway.proxy.imap.ClientFacts;
import dev.mailgate.gateway.proxy.imap.ImapBackend;
import dev.mailgate.gateway.proxy.imap.ImapProxyHandler;
import dev.mailgate.gateway.proxy.imap.ImapProxySettings;
import dev.mailgate.gateway.proxy.imap.LoginVerifier;
import dev.mailgate.gateway.proxy.imap.MasterLogin;
import dev.mailgate.gateway.proxy.pop3.Pop3ProxyServer;
import dev.mailgate.gateway.proxy.pop3.Pop3ProxySettings;
import dev.mailgate.gateway.proxy.smtp.BackendAccounts;
import dev.mailgate.gateway.proxy.smtp.BackendLogin;
import dev.mailgate.gateway.proxy.smtp.BackendRelaySink;
import dev.mailgate.gateway.proxy.smtp.BackendSmtpClient;
import dev.mailgate.gateway.proxy.smtp.BackendSmtpLimits;
import dev.mailgate.gateway.proxy.smtp.RelayRoute;
import dev.mailgate.gateway.smtp.LocalDomains;
import dev.mailgate.gateway.smtp.SessionFacts;
import dev.mailgate.gateway.smtp.SmtpAccounts;
import dev.mailgate.gateway.smtp.SmtpServerHandler;
import dev.mailgate.gateway.smtp.SmtpServerSettings;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.lookup.AuthContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The proxy tier's IMAP and POP3 sessions (issue 3): the gateway answers the pre-login dialogue,
 * routes each login with the running configuration's router ({@link BackendRouting}) and replays
 * it to the backend, then relays. Built once per listener; the router, backends and configuration
 * are read per login, so a reload applies to the next login.
 */
final class ProxySessions {

  /** How long a relayed transaction's backend session waits for the same client's next one. */
  private static final Duration RELAY_SESSION_REUSE = Duration.ofSeconds(30);
  /** Bound on idle backend SMTP sessions kept for reuse, per listener. */
  private static final int MAX_PARKED_RELAY_SESSIONS = 256;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private ProxySessions() {}

  /** The IMAP proxy session of {@code listener}. */
  static ProtocolHandler imap(ListenerConfig listener, AppContext c) {
    ImapProxySettings settings = ImapProxySettings.defaults(c.hostname())
        .withLimits(listener.limits().imapLimits())
        .withMaxErrors(listener.limits().maxErrors())
        .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(listener));
    BackendRouting routing = new BackendRouting(c, listener);
    ImapProxyHandler handler = ImapProxyHandler.create(settings, new ImapChooser(routing, c), c.backends().connector(),
        c.tls(), verifier(c));
    c.sessions().onLeftovers(handler);
    return handler;
  }

  /** The POP3 proxy session of {@code listener}. */
  static ProtocolHandler pop3(ListenerConfig listener, AppContext c) {
    Pop3ProxySettings settings = Pop3ProxySettings.defaults(c.hostname())
        .withServer(Pop3ProxySettings.defaults(c.hostname()).server()
            .withLimits(listener.limits().pop3Limits())
            .withMaxErrors(listener.limits().maxErrors())
            .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(listener)));
    return new Pop3ProxyServer(c.backends().connector(), new Pop3Chooser(new BackendRouting(c, listener), c),
        c.tls(), settings);
  }

  /**
   * The SMTP relay session of {@code listener} ({@code smtp} or {@code submission}): every
   * transaction is relayed to the route's backend, opened at its first recipient. Unauthenticated
   * clients may send only to the configured {@code relay.accepted_domains} (no open relay); logins
   * are passed through to the user's backend, or checked against the local users when {@code
   * authentication.mode} is {@code verify}.
   */
  static ProtocolHandler smtp(ListenerConfig listener, AppContext c) {
    BackendRouting routing = new BackendRouting(c, listener);
    BackendSmtpClient client = new BackendSmtpClient(c.backends().connector(), c.hostname(), BackendSmtpLimits.DEFAULTS)
        .withXclientOnlyFor(b -> routing.conveyance(b) == ConveyClient.XCLIENT);
    RelayRoute route = (envelope, recipient) -> {
      SessionFacts s = envelope.session();
      InetAddress ip = s.client().getAddress();
      RouteFacts facts = s.isAuthenticated()
          ? RouteFacts.forUser(s.authenticatedUser(), listener.name(), listener.protocol(), ip, s.isTls())
          : RouteFacts.forDomain(recipient.domain(), listener.name(), listener.protocol(), ip, s.isTls());
      return routing.backends(facts, Optional.empty());
    };
    BackendRelaySink sink = new BackendRelaySink(client, route,
        e -> e.session().login() == null ? null : BackendLogin.of(e.session().login()),
        RELAY_SESSION_REUSE, MAX_PARKED_RELAY_SESSIONS);
    SmtpAccounts accounts = c.config().get().authentication().mode() == AuthMode.VERIFY
        ? SmtpAccounts.localUsers(c.users())
        : new BackendAccounts(client, user -> routing.backends(
            RouteFacts.forUser(user, listener.name(), listener.protocol(), LOOPBACK, true), Optional.empty()));
    LocalDomains accepted = domain -> Mono.just(c.config().get().relay().acceptedDomains().stream()
        .anyMatch(d -> d.equalsIgnoreCase(domain)));
    // the backend's submission service completes a submitted message's header (Postfix's cleanup)
    SmtpServerSettings settings = SmtpServerSettings.defaults(c.hostname())
        .withLimits(listener.limits().smtpLimits())
        .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(listener))
        .withoutCompletingSubmissions();
    return new SmtpServerHandler(settings, c.tls(), accounts, accepted, sink, sink);
  }

  /**
   * Verifies credentials at the gateway against the local users, for master-user routes (the
   * backend never sees the user's password, so someone must check it). Null when authentication is
   * passed through: master-user routes are then refused by the session.
   */
  private static LoginVerifier verifier(AppContext c) {
    return (credentials, client) -> {
      if (c.config().get().authentication().mode() != AuthMode.VERIFY
          || !(credentials instanceof SaslCredentials.Password p)) {
        return Mono.just(false);
      }
      char[] password = p.password().chars();
      return c.users().verify(p.user(), password).doFinally(s -> Arrays.fill(password, '\0'));
    };
  }

  /** The auth_http request context, only when some lookup could want the password. */
  private static Optional<AuthContext> authContext(MailgateConfig config, SaslCredentials credentials) {
    // Asked on every login: a loop, not a stream pipeline.
    boolean http = false;
    for (LookupConfig l : config.lookups().values()) {
      http |= l instanceof LookupConfig.Http;
    }
    if (!http || !(credentials instanceof SaslCredentials.Password p)) {
      return Optional.empty();
    }
    return Optional.of(new AuthContext("plain", new String(p.password().chars()), 1, null, null, null, null));
  }

  private static RouteFacts facts(BackendRouting routing, String user, InetSocketAddress client, boolean tls) {
    return RouteFacts.forUser(user, routing.listenerName(), routing.protocol(), client.getAddress(), tls);
  }

  /** The router's backends as IMAP candidates, with each backend's conveyance and master user. */
  private record ImapChooser(BackendRouting routing, AppContext c)
      implements dev.mailgate.gateway.proxy.imap.BackendChooser {

    @Override
    public Mono<List<ImapBackend>> candidates(String user, ClientFacts client) {
      return routing.backends(facts(routing, user, client.client(), client.tls()), Optional.empty())
          .map(this::imapBackends);
    }

    @Override
    public Mono<List<ImapBackend>> candidates(SaslCredentials credentials, ClientFacts client) {
      return routing.backends(facts(routing, credentials.user(), client.client(), client.tls()),
              authContext(c.config().get(), credentials))
          .map(this::imapBackends);
    }

    private List<ImapBackend> imapBackends(List<Backend> backends) {
      ImapBackend[] out = new ImapBackend[backends.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = imapBackend(backends.get(i));
      }
      return List.of(out);
    }

    private ImapBackend imapBackend(Backend b) {
      Optional<BackendConfig> config = routing.backendConfig(b);
      ClientConveyance conveyance = switch (config.map(BackendConfig::conveyClient).orElse(ConveyClient.NONE)) {
        case PROXY_V2 -> ClientConveyance.PROXY_V2;
        case PROXY_V1 -> ClientConveyance.PROXY_V1;
        case IMAP_ID -> ClientConveyance.IMAP_ID;
        case XCLIENT, NONE -> ClientConveyance.NONE;
      };
      Optional<MasterUserConfig> master = config.flatMap(BackendConfig::masterUser)
          .or(() -> c.config().get().authentication().masterUser());
      return new ImapBackend(b, conveyance, master
          .map(m -> new MasterLogin(m.separator(), m.user(), Secret.ofString(m.password())))
          .orElse(null), config.map(BackendConfig::imapSessionReuse).orElse(ImapBackend.KEEP_SESSIONS));
    }
  }

  /** The router's backends as POP3 candidates; PROXY v2 where the backend asks for it. */
  private record Pop3Chooser(BackendRouting routing, AppContext c)
      implements dev.mailgate.gateway.proxy.pop3.BackendChooser {

    @Override
    public Mono<List<Backend>> candidates(String user, Pop3ClientFacts client) {
      return routing.backends(facts(routing, user, client.client(), client.tls()), Optional.empty());
    }

    @Override
    public Mono<List<Backend>> candidates(SaslCredentials.Password credentials, Pop3ClientFacts client) {
      return routing.backends(facts(routing, credentials.user(), client.client(), client.tls()),
          authContext(c.config().get(), credentials));
    }

    @Override
    public boolean sendsProxyHeader(Backend backend) {
      ConveyClient conveyance = routing.conveyance(backend);
      return conveyance == ConveyClient.PROXY_V2 || conveyance == ConveyClient.PROXY_V1;
    }
  }
}
