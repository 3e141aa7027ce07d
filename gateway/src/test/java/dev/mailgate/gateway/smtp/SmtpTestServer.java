package dev.mailgate.gateway.smtp;

import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A real SMTP server for the tests: the three embedded-default listeners (MX with STARTTLS,
 * submission with STARTTLS, SMTPS) on free loopback ports over a SqliteMailStore and a UserStore
 * in a temporary directory. Users: alice@example.test (alias postmaster@example.test and
 * al@example.org), bob@example.test, tiny@example.test (a 2000-byte quota).
 */
final class SmtpTestServer implements AutoCloseable {
  static final String HOST = "mx.example.test";
  static final String ALICE_PASSWORD = "alice secret";

  final Path dir;
  final Transport transport;
  final ServerTls tls;
  final SqliteMailStore store;
  final UserStore users;
  final Scheduler io;
  final ListenerRegistry registry;
  final RunningListener mx;
  final RunningListener submission;
  final RunningListener smtps;

  private SmtpTestServer(Path dir, SmtpServerSettings settings) throws Exception {
    this.dir = dir;
    transport = Transport.create("smtp-test", 2);
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256,
        TestPki.KeyFormat.PKCS8, "localhost", HOST);
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost")
        .withReloadInterval(Duration.ZERO));
    store = SqliteMailStore.open(dir.resolve("store"), StoreLimits.defaults());
    users = UserStore.open(dir.resolve("users"), new Argon2id.Params(1024, 1, 1), 2);
    users.add("alice@example.test", ALICE_PASSWORD.toCharArray()).block();
    users.add("bob@example.test", "bob secret".toCharArray()).block();
    users.add("tiny@example.test", "tiny secret".toCharArray()).block();
    users.addAlias("postmaster@example.test", "alice@example.test").block();
    users.addAlias("al@example.org", "alice@example.test").block();
    store.provision("alice@example.test", Quota.unlimited()).block();
    store.provision("bob@example.test", Quota.unlimited()).block();
    store.provision("tiny@example.test", Quota.limits(2000, 100)).block();
    io = Schedulers.newBoundedElastic(4, 1000, "smtp-spool");
    SmtpServerHandler handler = SmtpServerHandler.localDelivery(settings, tls, store, users,
        LocalDomains.ofUsers(users, Duration.ofSeconds(1)), dir.resolve("spool"), io);
    registry = new ListenerRegistry(transport);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    mx = registry.start(ListenerSpec.of("smtp", Protocol.SMTP, any, TlsMode.STARTTLS),
        ListenerBinding.of(handler, tls)).block();
    submission = registry.start(
        ListenerSpec.of("submission", Protocol.SUBMISSION, any, TlsMode.STARTTLS),
        ListenerBinding.of(handler, tls)).block();
    smtps = registry.start(ListenerSpec.of("smtps", Protocol.SUBMISSION, any, TlsMode.IMPLICIT),
        ListenerBinding.of(handler, tls)).block();
  }

  static SmtpTestServer start(Path dir) throws Exception {
    return start(dir, SmtpServerSettings.defaults(HOST));
  }

  static SmtpTestServer start(Path dir, SmtpServerSettings settings) throws Exception {
    return new SmtpTestServer(dir, settings);
  }

  /** Starts one more listener with other settings or timeouts on the same store. */
  RunningListener listener(ListenerSpec spec, SmtpServerSettings settings) {
    return listener(spec, settings, null);
  }

  /** One more listener whose sessions are under the gate's policies (null: none). */
  RunningListener listener(ListenerSpec spec, SmtpServerSettings settings, PolicyGate gate) {
    SmtpServerHandler handler = SmtpServerHandler.localDelivery(settings, tls, store, users,
        LocalDomains.ofUsers(users, Duration.ofSeconds(1)), dir.resolve("spool"), io);
    ListenerBinding binding = ListenerBinding.of(handler, tls);
    return registry.start(spec, gate == null ? binding : binding.withPolicies(gate)).block();
  }

  MailboxId inbox(String user) {
    return store.mailbox(user, MailboxName.INBOX).block().id();
  }

  List<MessageMeta> messages(String user) {
    return store.messages(inbox(user), UidSet.all()).collectList().block();
  }

  /** The bytes of the user's newest INBOX message, as the store keeps them. */
  byte[] lastMessage(String user) {
    MailboxId box = inbox(user);
    List<MessageMeta> all = store.messages(box, UidSet.all()).collectList().block();
    MessageMeta last = all.get(all.size() - 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer b : store.content(box, last.uid(), ByteRange.ALL).collectList().block()) {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    registry.close();
    transport.close();
    tls.close();
    io.dispose();
    store.close();
    users.close();
  }
}
