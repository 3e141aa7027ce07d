package dev.mailgate.gateway.app;

import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.gateway.local.imap.LocalImapHandler;
import dev.mailgate.gateway.local.imap.LocalImapSettings;
import dev.mailgate.gateway.local.pop3.LocalPop3Server;
import dev.mailgate.gateway.local.pop3.LocalPop3Settings;
import dev.mailgate.gateway.local.pop3.MaildropLocks;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.pop3.Pop3ServerSettings;
import dev.mailgate.gateway.smtp.LocalDeliverySink;
import dev.mailgate.gateway.smtp.Postmasters;
import dev.mailgate.gateway.smtp.SmtpServerHandler;
import dev.mailgate.gateway.smtp.SmtpServerSettings;
import dev.mailgate.policy.MailProtocol;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the session of each listener: a {@link Builder} per (protocol, {@link ListenerTier}).
 * Explicit wiring, no discovery: {@link #standard()} lists every session the gateway has, one line
 * each. A listener whose pair has no builder gets the {@link UnavailableHandler} (the protocol's
 * "temporarily unavailable" greeting), and the startup log says so.
 */
public final class ProtocolHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ProtocolHandlers.class);

  /** Builds the handler of one listener from its configuration and the application's services. */
  @FunctionalInterface
  public interface Builder {
    ProtocolHandler build(ListenerConfig listener, AppContext context);
  }

  private final Map<MailProtocol, Map<ListenerTier, Builder>> builders = new EnumMap<>(MailProtocol.class);

  /**
   * The gateway's sessions. WIRING POINT: each protocol session registers here with one line when
   * it lands, for example
   *
   * <pre>{@code
   * h.register(MailProtocol.IMAP, ListenerTier.LOCAL, (l, c) -> new LocalImapHandler(c.store(), c.users(),
   *     LocalImapSettings.of(c.hostname(), l.limits().imapLimits()).withTls(c.tls())));
   * }</pre>
   */
  public static ProtocolHandlers standard() {
    ProtocolHandlers h = new ProtocolHandlers();
    // Local tier: the IMAP server and the SMTP server with local delivery over the mailbox store.
    h.register(MailProtocol.IMAP, ListenerTier.LOCAL, (l, c) -> new LocalImapHandler(c.store(), c.users(),
        LocalImapSettings.of(c.hostname(), l.limits().imapLimits()).withTls(c.tls())
            .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(l))
            .withMaxErrors(l.limits().maxErrors()), c.provisioning()));
    Builder smtp = (l, c) -> new SmtpServerHandler(SmtpServerSettings.defaults(c.hostname())
            .withLimits(l.limits().smtpLimits())
            .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(l)),
        c.tls(), c.users(), c.localDomains()::isLocal,
        new LocalDeliverySink(c.store(), c.users(),
            new Postmasters(c.users(), () -> c.config().get().local().postmaster()),
            c.config().get().local().dataDir().resolve("spool"), c.io(), c.provisioning()), null);
    h.register(MailProtocol.SMTP, ListenerTier.LOCAL, smtp);
    h.register(MailProtocol.SUBMISSION, ListenerTier.LOCAL, smtp);
    // One maildrop lock table for every POP3 listener: a second session gets -ERR [IN-USE].
    MaildropLocks locks = new MaildropLocks();
    h.register(MailProtocol.POP3, ListenerTier.LOCAL, (l, c) -> new LocalPop3Server(c.store(), c.users(), c.tls(),
        new LocalPop3Settings(Pop3ServerSettings.defaults(c.hostname()).withLimits(l.limits().pop3Limits())
            .withMaxErrors(l.limits().maxErrors())
            .withPlaintextAuthNetworks(ListenerMapping.plaintextAuthNetworks(l)),
            LocalPop3Settings.DEFAULT_MAX_MESSAGES), locks, c.provisioning()));
    // Proxy tier: the pre-login dialogue, routed per login with c.router(), relayed to a backend.
    h.register(MailProtocol.IMAP, ListenerTier.BACKEND, ProxySessions::imap);
    h.register(MailProtocol.POP3, ListenerTier.BACKEND, ProxySessions::pop3);
    h.register(MailProtocol.SMTP, ListenerTier.BACKEND, ProxySessions::smtp);
    h.register(MailProtocol.SUBMISSION, ListenerTier.BACKEND, ProxySessions::smtp);
    return h;
  }

  /** Adds (or replaces) the builder for a protocol and tier; returns this for chaining. */
  public ProtocolHandlers register(MailProtocol protocol, ListenerTier tier, Builder builder) {
    builders.computeIfAbsent(protocol, p -> new EnumMap<>(ListenerTier.class)).put(tier, builder);
    return this;
  }

  public boolean has(MailProtocol protocol, ListenerTier tier) {
    return builders.getOrDefault(protocol, Map.of()).containsKey(tier);
  }

  /** The handler of one listener; the {@link UnavailableHandler} when none is registered. */
  public ProtocolHandler create(ListenerConfig listener, ListenerTier tier, AppContext context) {
    Builder b = builders.getOrDefault(listener.protocol(), Map.of()).get(tier);
    if (b == null) {
      LOG.warn("listener {}: no {} session for {} is wired in; clients get 'temporarily unavailable'",
          listener.name(), tier.name().toLowerCase(java.util.Locale.ROOT), listener.protocol().configName());
      return UnavailableHandler.INSTANCE;
    }
    return b.build(listener, context);
  }
}
