package dev.mailgate.gateway.smtp;

import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.user.UserStore;
import java.nio.file.Path;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;

/**
 * The SMTP server (RFC 5321 with PIPELINING 2920, SIZE 1870, 8BITMIME 6152, SMTPUTF8 6531,
 * ENHANCEDSTATUSCODES 2034, CHUNKING 3030, STARTTLS 3207, AUTH 4954) for {@code smtp} (MX-style)
 * and {@code submission} (RFC 6409: AUTH before MAIL) listeners; implicit-TLS listeners (SMTPS,
 * RFC 8314) use it too. Each connection gets an {@link SmtpSession}.
 *
 * <p>Recipients in a {@link LocalDomains local domain} go to the {@code local} sink; others are
 * refused with {@code 554 5.7.1} unless the client authenticated and a {@code relay} sink is
 * configured. No open relay: unauthenticated clients reach local domains only, and source routes,
 * {@code %} and {@code !} hacks and quoted local parts with {@code @} are refused outright.
 *
 * <pre>{@code
 * ProtocolHandler smtp = SmtpServerHandler.localDelivery(SmtpServerSettings.defaults(host), tls,
 *     store, users, LocalDomains.ofUsers(users, Duration.ofSeconds(5)), dataDir.resolve("spool"), io);
 * registry.start(ListenerSpec.of("smtp", Protocol.SMTP, bind, TlsMode.STARTTLS),
 *     ListenerBinding.of(smtp, tls));
 * }</pre>
 */
public final class SmtpServerHandler implements ProtocolHandler {
  private final SmtpServerSettings settings;
  private final ServerTls tls;
  private final SmtpAccounts accounts;
  private final LocalDomains domains;
  private final TransactionSink local;
  private final TransactionSink relay;

  /**
   * @param tls for STARTTLS (may be null when no listener using this handler offers it)
   * @param accounts verifies AUTH and resolves sender ownership
   * @param local the sink for recipients in local domains
   * @param relay the sink for authenticated clients' foreign recipients, or null (refused)
   */
  public SmtpServerHandler(SmtpServerSettings settings, ServerTls tls, SmtpAccounts accounts,
      LocalDomains domains, TransactionSink local, TransactionSink relay) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tls = tls;
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.domains = Objects.requireNonNull(domains, "domains");
    this.local = Objects.requireNonNull(local, "local");
    this.relay = relay;
  }

  /** A server whose logins are the local users'. */
  public SmtpServerHandler(SmtpServerSettings settings, ServerTls tls, UserStore users,
      LocalDomains domains, TransactionSink local, TransactionSink relay) {
    this(settings, tls, SmtpAccounts.localUsers(users), domains, local, relay);
  }

  /**
   * Local delivery only (PRODUCT.md's embedded default): a {@link LocalDeliverySink} spooling to
   * {@code spoolDir} on {@code io} (a bounded scheduler for file I/O).
   */
  public static SmtpServerHandler localDelivery(SmtpServerSettings settings, ServerTls tls,
      MailStore store, UserStore users, LocalDomains domains, Path spoolDir, Scheduler io) {
    return new SmtpServerHandler(settings, tls, users, domains,
        new LocalDeliverySink(store, users, spoolDir, io), null);
  }

  /** The same server with a relay sink for authenticated clients' foreign recipients. */
  public SmtpServerHandler withRelay(TransactionSink relaySink) {
    return new SmtpServerHandler(settings, tls, accounts, domains, local, relaySink);
  }

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    return new SmtpSession(context, this).run();
  }

  SmtpServerSettings settings() {
    return settings;
  }

  ServerTls tls() {
    return tls;
  }

  SmtpAccounts accounts() {
    return accounts;
  }

  LocalDomains domains() {
    return domains;
  }

  TransactionSink local() {
    return local;
  }

  TransactionSink relay() {
    return relay;
  }
}
