package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.SessionTracking;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * A started local-tier IMAP listener over a {@link SqliteMailStore} in a temp directory, with the
 * user {@code alice} (password {@code secret}) provisioned, for transcripts and client tests.
 */
final class LocalImapServer implements AutoCloseable {
  static final String USER = "alice";
  static final String PASSWORD = "secret";

  final SqliteMailStore store;
  /** The store the sessions use when started by {@link #startRacing}, else null. */
  final RacingMailStore racing;
  final UserStore users;
  final Transport transport;
  final ListenerRegistry registry;
  /** The sessions, so a test can kick or drain them. */
  final SessionRegistry sessions = new SessionRegistry(Clock.systemUTC(), new SessionIds(7), List.of());
  final RunningListener listener;

  private LocalImapServer(Path dir, LocalImapSettings settings, TlsMode mode, PolicyGate gate) {
    this(dir, settings, mode, gate, false);
  }

  private LocalImapServer(Path dir, LocalImapSettings settings, TlsMode mode, PolicyGate gate,
      boolean race) {
    store = SqliteMailStore.open(dir.resolve("store"), StoreLimits.defaults());
    racing = race ? new RacingMailStore(store) : null;
    users = UserStore.open(dir.resolve("users"), new Argon2id.Params(64, 1, 1), 2);
    users.add(USER, PASSWORD.toCharArray()).block();
    store.provision(USER, Quota.limits(100L << 20, 10_000)).block();
    transport = Transport.create("imap-test", 2);
    registry = new ListenerRegistry(transport,
        new SessionTracking(sessions, GatewayMetrics.on(new SimpleMeterRegistry())));
    ListenerSpec spec = ListenerSpec.of("imap", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), mode);
    ListenerBinding binding = ListenerBinding.of(new LocalImapHandler(race ? racing : store, users, settings), settings.tls());
    listener = registry.start(spec, gate == null ? binding : binding.withPolicies(gate))
        .block(Duration.ofSeconds(10));
  }

  /** Kicks every session (the admin endpoint's kick). */
  void kickAll() {
    sessions.all().forEach(sessions::kick);
  }

  /** Plaintext login allowed (the transcripts' default). */
  static LocalImapServer start(Path dir) {
    return start(dir, LocalImapSettings.of("imap.test", ImapLimits.DEFAULTS).withAllowPlaintextAuth(true));
  }

  static LocalImapServer start(Path dir, LocalImapSettings settings) {
    ServerTls tls = settings.tls();
    return new LocalImapServer(dir, settings, tls == null ? TlsMode.NONE : TlsMode.STARTTLS, null);
  }

  /**
   * Plaintext login allowed; the sessions use {@link #racing}, so a test can put another session's
   * change between two steps of a command.
   */
  static LocalImapServer startRacing(Path dir) {
    return new LocalImapServer(dir, LocalImapSettings.of("imap.test", ImapLimits.DEFAULTS)
        .withAllowPlaintextAuth(true), TlsMode.NONE, null, true);
  }

  /** Plaintext login allowed, sessions under the gate's policies. */
  static LocalImapServer start(Path dir, PolicyGate gate) {
    return new LocalImapServer(dir, LocalImapSettings.of("imap.test", ImapLimits.DEFAULTS)
        .withAllowPlaintextAuth(true), TlsMode.NONE, gate);
  }

  InetSocketAddress address() {
    return listener.address();
  }

  MailboxId mailbox(String name) {
    return store.mailbox(USER, MailboxName.of(name)).block().id();
  }

  /**
   * Appends a message (CRLF line ends) to a mailbox of alice as if an earlier session had already
   * seen it (not \Recent); returns its UID.
   */
  long deliver(String mailbox, String message, Flags flags) {
    long uid = deliverRecent(mailbox, message, flags);
    store.claimRecent(mailbox(mailbox), uid).block();
    return uid;
  }

  /** Appends a message that no session has seen yet (\Recent for the first to select it). */
  long deliverRecent(String mailbox, String message, Flags flags) {
    return deliverRecent(mailbox, message, flags, Instant.parse("2026-11-17T09:30:00Z"));
  }

  /** Like {@link #deliver}, with the given INTERNALDATE. */
  long deliverAt(String mailbox, String message, Flags flags, Instant internalDate) {
    long uid = deliverRecent(mailbox, message, flags, internalDate);
    store.claimRecent(mailbox(mailbox), uid).block();
    return uid;
  }

  private long deliverRecent(String mailbox, String message, Flags flags, Instant internalDate) {
    byte[] bytes = message.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(UTF_8);
    return store.append(mailbox(mailbox), new AppendRequest(flags, internalDate.atOffset(java.time.ZoneOffset.UTC), bytes.length),
        Flux.just(ByteBuffer.wrap(bytes))).block().uid();
  }

  /** The three sample messages in INBOX, already seen by an earlier session; returns INBOX's id. */
  MailboxId deliverSamples() {
    deliver("INBOX", MESSAGE_1, Flags.NONE);
    deliver("INBOX", MESSAGE_2, Flags.NONE);
    deliver("INBOX", MESSAGE_3, Flags.NONE);
    return mailbox("INBOX");
  }

  /** A client logged in as alice with INBOX selected, the responses to SELECT skipped. */
  Transcript.Client selectInbox() {
    return Transcript.Client.connect(address(), Duration.ofSeconds(10)).run("""
        S: \\* OK .*
        C: a1 LOGIN alice secret
        S: a1 OK .*
        C: a2 SELECT INBOX
        S*: \\* .*
        S: a2 OK .*
        """);
  }

  @Override
  public void close() {
    registry.close();
    transport.close();
    store.close();
    users.close();
  }

  static final String MESSAGE_1 = """
      Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
      From: Fred Foobar <foobar@Blurdybloop.example>
      Subject: afternoon meeting
      To: mooch@owatagu.siam.edu.example
      Message-Id: <B27397-0100000@Blurdybloop.example>
      MIME-Version: 1.0
      Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

      Hello Joe, do you think we can meet at 3:30 tomorrow?
      """;

  static final String MESSAGE_2 = """
      Date: Tue, 8 Feb 1994 10:00:00 +0000
      From: Ann <ann@example.org>
      To: alice@example.org
      Subject: holiday pictures
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="XX"

      --XX
      Content-Type: text/plain; charset=utf-8

      See the attached picture.
      --XX
      Content-Type: image/png; name="p.png"
      Content-Transfer-Encoding: base64
      Content-Disposition: attachment; filename="p.png"

      iVBORw0KGgo=
      --XX--
      """;

  static final String MESSAGE_3 = """
      Date: Wed, 9 Feb 1994 11:00:00 +0000
      From: Bob <bob@example.org>
      To: alice@example.org
      Subject: invoice
      
      Please pay the invoice number 42.
      """;
}
