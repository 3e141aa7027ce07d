package dev.mailgate.gateway.local.pop3;

import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.pop3.Pop3Wire;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.user.UserStore;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.netty.Connection;

/**
 * The local tier's POP3 server (RFC 1939 with CAPA, RESP-CODES and PIPELINING of RFC 2449, STLS of
 * RFC 2595, SASL PLAIN and LOGIN of RFC 5034, AUTH-RESP-CODE of RFC 3206), as a {@link
 * ProtocolHandler} for a listener whose route target is {@code local}.
 *
 * <pre>{@code
 * LocalPop3Server pop3 = new LocalPop3Server(store, users, serverTls, LocalPop3Settings.defaults("mail.example.org"), locks);
 * registry.start(ListenerSpec.of("pop3", Protocol.POP3, bind, TlsMode.STARTTLS), ListenerBinding.of(pop3, serverTls));
 * }</pre>
 *
 * <p>Share one {@link MaildropLocks} between every local POP3 listener of the process, so a second
 * session on a maildrop gets {@code -ERR [IN-USE]} whichever port it came in on. Limits: the codec's
 * {@link dev.mailgate.codec.pop3.Pop3Limits}, {@link LocalPop3Settings#maxMessages()} per
 * maildrop, {@link dev.mailgate.gateway.pop3.Pop3ServerSettings#maxErrors()} per session.
 */
public final class LocalPop3Server implements ProtocolHandler {

  private final MailStore store;
  private final UserStore users;
  private final ServerTls tls;
  private final LocalPop3Settings settings;
  private final MaildropLocks locks;
  private final MailboxProvisioning provisioning;

  /**
   * @param tls the server TLS for STLS (null: STLS is not offered); implicit TLS is the listener's
   */
  /** A server whose new users get accounts without a quota (tests, benchmarks). */
  public LocalPop3Server(MailStore store, UserStore users, ServerTls tls, LocalPop3Settings settings, MaildropLocks locks) {
    this(store, users, tls, settings, locks, MailboxProvisioning.unlimited(store));
  }

  /** @param provisioning gives a user who logs in before their mailboxes exist their account */
  public LocalPop3Server(MailStore store, UserStore users, ServerTls tls, LocalPop3Settings settings, MaildropLocks locks,
      MailboxProvisioning provisioning) {
    this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
    this.store = Objects.requireNonNull(store, "store");
    this.users = Objects.requireNonNull(users, "users");
    this.tls = tls;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.locks = Objects.requireNonNull(locks, "locks");
  }

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    Pop3Wire wire = new Pop3Wire(connection, context, settings.server());
    return new LocalPop3Session(wire, tls, store, users, locks, settings, provisioning).run();
  }
}
