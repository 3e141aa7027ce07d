package dev.mailgate.bench.local;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.local.imap.LocalImapHandler;
import dev.mailgate.gateway.local.imap.LocalImapSettings;
import dev.mailgate.gateway.local.pop3.LocalPop3Server;
import dev.mailgate.gateway.local.pop3.LocalPop3Settings;
import dev.mailgate.gateway.local.pop3.MaildropLocks;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * mailgate's local tier in this JVM: the SQLite store, the user store and the IMAP and POP3
 * listeners on free loopback ports, plaintext login allowed (as the private Dovecot is set up).
 * Password hashes are Argon2id with small parameters so that login cost, which Dovecot's PLAIN
 * passwd-file does not pay, does not dominate the comparison.
 */
final class LocalTier implements AutoCloseable {
  final int imapPort;
  final int pop3Port;
  private final SqliteMailStore store;
  private final UserStore users;
  private final Transport transport;
  private final ListenerRegistry registry;

  LocalTier(Path dir, List<String> names, String password) {
    store = SqliteMailStore.open(dir.resolve("store"), StoreLimits.defaults());
    users = UserStore.open(dir.resolve("users"), new Argon2id.Params(1024, 1, 1), 2);
    for (String u : names) {
      users.add(u, password.toCharArray()).block(Duration.ofSeconds(30));
      store.provision(u, Quota.unlimited()).block(Duration.ofSeconds(30));
    }
    transport = Transport.create("bench", 2);
    registry = new ListenerRegistry(transport);
    LocalImapSettings imap = LocalImapSettings.of("bench.local", ImapLimits.DEFAULTS).withAllowPlaintextAuth(true);
    imapPort = registry.start(ListenerSpec.of("imap", Protocol.IMAP, loopback(), TlsMode.NONE),
        ListenerBinding.of(new LocalImapHandler(store, users, imap), null)).block(Duration.ofSeconds(10)).port();
    pop3Port = registry.start(ListenerSpec.of("pop3", Protocol.POP3, loopback(), TlsMode.NONE),
        ListenerBinding.of(new LocalPop3Server(store, users, null, LocalPop3Settings.defaults("bench.local"),
            new MaildropLocks()), null)).block(Duration.ofSeconds(10)).port();
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  @Override
  public void close() {
    registry.close();
    transport.close();
    store.close();
    users.close();
  }
}
