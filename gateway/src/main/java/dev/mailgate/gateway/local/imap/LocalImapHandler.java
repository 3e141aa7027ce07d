package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.mailbox.search.SearchEvaluator;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.user.UserStore;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.netty.Connection;

/**
 * The local tier's IMAP server (IMAP4rev1, RFC 3501, with IDLE, UIDPLUS, MOVE, LITERAL+/-,
 * NAMESPACE, ID, ENABLE, SPECIAL-USE, UNSELECT, CHILDREN, SASL-IR, APPENDLIMIT, QUOTA, CONDSTORE,
 * QRESYNC, LIST-EXTENDED, LIST-STATUS, ESEARCH, MULTIAPPEND, STATUS=SIZE, UTF8=ACCEPT, BINARY,
 * SORT, SORT=DISPLAY, THREAD=ORDEREDSUBJECT, THREAD=REFERENCES): one
 * {@link ImapSession} per
 * connection over the {@link MailStore} and the {@link UserStore}. Limits come from {@link
 * ImapLimits} (lines, literals, nesting) enforced by the codec as bytes arrive; store calls run on
 * the store's schedulers, never on the event loop.
 *
 * <pre>{@code
 * ProtocolHandler imap = LocalImapHandler.create(store, users, ImapLimits.DEFAULTS, "mail.example.org");
 * registry.start(spec, ListenerBinding.of(imap, tls));
 * }</pre>
 */
public final class LocalImapHandler implements ProtocolHandler {
  private final MailStore store;
  private final UserStore users;
  private final LocalImapSettings settings;
  private final SearchEvaluator searcher;
  private final MailboxProvisioning provisioning;

  /** A server whose new users get accounts without a quota (tests, benchmarks). */
  public LocalImapHandler(MailStore store, UserStore users, LocalImapSettings settings) {
    this(store, users, settings, MailboxProvisioning.unlimited(store));
  }

  /** @param provisioning gives a user who logs in before their mailboxes exist their account */
  public LocalImapHandler(MailStore store, UserStore users, LocalImapSettings settings,
      MailboxProvisioning provisioning) {
    this.store = Objects.requireNonNull(store, "store");
    this.users = Objects.requireNonNull(users, "users");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
    this.searcher = new SearchEvaluator(store);
  }

  /** A server with secure defaults: no STARTTLS, plaintext login refused (see {@link LocalImapSettings}). */
  public static LocalImapHandler create(MailStore store, UserStore users, ImapLimits limits, String hostname) {
    return new LocalImapHandler(store, users, LocalImapSettings.of(hostname, limits));
  }

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    return new ImapSession(this, connection, context).run();
  }

  MailStore store() {
    return store;
  }

  UserStore users() {
    return users;
  }

  MailboxProvisioning provisioning() {
    return provisioning;
  }

  LocalImapSettings settings() {
    return settings;
  }

  SearchEvaluator searcher() {
    return searcher;
  }
}
