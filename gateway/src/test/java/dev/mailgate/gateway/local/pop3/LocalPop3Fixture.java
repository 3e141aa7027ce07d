package dev.mailgate.gateway.local.pop3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.testing.TempDirs;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;

/**
 * A local tier on real sockets for tests: SqliteMailStore and UserStore in a temporary directory,
 * a self-signed test certificate, and local POP3 listeners started on free loopback ports.
 */
public final class LocalPop3Fixture implements AutoCloseable {

  public static final String PASSWORD = "s3cret pass";
  private static final AtomicInteger USERS = new AtomicInteger();

  public final Path dir;
  public final Transport transport;
  public final ServerTls tls;
  public final SqliteMailStore store;
  public final UserStore users;
  public final MaildropLocks locks = new MaildropLocks();
  public final ListenerRegistry registry;
  /** The CA that signed the listeners' certificate (for backend trust in proxy tests). */
  public final Path caFile;

  public LocalPop3Fixture() throws Exception {
    dir = Files.createTempDirectory("pop3-local");
    transport = Transport.create("test-pop3", 2);
    TestPki pki = TestPki.create("ca");
    caFile = pki.writeCa(dir);
    var cert = pki.issue(dir, "srv", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    store = SqliteMailStore.open(dir.resolve("store"), StoreLimits.defaults());
    users = UserStore.open(dir, new Argon2id.Params(1024, 1, 1), 2);
    registry = new ListenerRegistry(transport);
  }

  /** Starts a local POP3 listener; returns its port. */
  public int start(LocalPop3Settings settings, TlsMode mode) {
    return start(settings, mode, null);
  }

  /** Starts a local POP3 listener whose sessions are under the gate's policies (null: none). */
  public int start(LocalPop3Settings settings, TlsMode mode, PolicyGate gate) {
    return start(settings, spec(mode), gate);
  }

  /** Starts a local POP3 listener with these pre-login and idle timeouts; returns its port. */
  public int start(LocalPop3Settings settings, TlsMode mode, Duration preLogin, Duration idle) {
    return start(settings, spec(mode).withTimeouts(preLogin, idle), null);
  }

  private static ListenerSpec spec(TlsMode mode) {
    return ListenerSpec.of("pop3-" + USERS.incrementAndGet(), Protocol.POP3,
        new InetSocketAddress("127.0.0.1", 0), mode);
  }

  private int start(LocalPop3Settings settings, ListenerSpec spec, PolicyGate gate) {
    ListenerBinding binding = ListenerBinding.of(new LocalPop3Server(store, users, tls, settings, locks), tls);
    RunningListener l = registry.start(spec, gate == null ? binding : binding.withPolicies(gate))
        .block(Duration.ofSeconds(10));
    return l.port();
  }

  /** A new user (unique name with {@code prefix}) whose INBOX holds {@code messages} in order. */
  public String user(String prefix, String... messages) {
    String user = prefix + USERS.incrementAndGet() + "@example.org";
    users.add(user, PASSWORD.toCharArray()).block(Duration.ofSeconds(10));
    store.provision(user, Quota.unlimited()).block(Duration.ofSeconds(10));
    for (String m : messages) {
      append(user, m.getBytes(ISO_8859_1));
    }
    return user;
  }

  public void append(String user, byte[] message) {
    store.append(inbox(user).id(), AppendRequest.delivery(), Flux.just(ByteBuffer.wrap(message)))
        .block(Duration.ofSeconds(10));
  }

  public MailboxInfo inbox(String user) {
    return store.mailbox(user, MailboxName.INBOX).block(Duration.ofSeconds(10));
  }

  public long messageCount(String user) {
    MailboxId id = inbox(user).id();
    return store.messages(id, UidSet.all()).count().block(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    registry.close();
    store.close();
    users.close();
    tls.close();
    transport.close();
    TempDirs.deleteTree(dir);
  }
}
