package dev.mailgate.gateway.proxy.smtp;

import static dev.mailgate.gateway.proxy.smtp.BackendSmtpClientInteropTest.backend;
import static dev.mailgate.gateway.proxy.smtp.BackendSmtpClientInteropTest.body;
import static dev.mailgate.gateway.proxy.smtp.BackendSmtpClientInteropTest.fetchBody;
import static dev.mailgate.gateway.proxy.smtp.BackendSmtpClientInteropTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.smtp.Envelope;
import dev.mailgate.gateway.smtp.RecipientVerdict;
import dev.mailgate.gateway.smtp.SessionFacts;
import dev.mailgate.gateway.smtp.TransactionSink;
import java.net.InetSocketAddress;
import java.time.Instant;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

/** The sink the SMTP server session uses, against real Postfix and Dovecot. */
@ExtendWith(MailServersExtension.class)
class BackendRelaySinkInteropTest {

  static Transport transport;
  static BackendConnector connector;

  @BeforeAll
  static void start() {
    transport = Transport.create("test-psmtp-sink", 1);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    transport.close();
  }

  static SmtpPath path(String address) {
    int at = address.indexOf('@');
    return new SmtpPath(address.substring(0, at), address.substring(at + 1), List.of(), false);
  }

  static SessionFacts session(String ip, int port) {
    return new SessionFacts("gw.example.test", "client.example.net", true, new InetSocketAddress(ip, port),
        null, null, null, false);
  }

  static Envelope envelope(SessionFacts session, String from) {
    return new Envelope(UUID.randomUUID().toString(), session, path(from), MailParameters.NONE, Instant.now());
  }

  static SmtpReply rcpt(TransactionSink.Transaction t, String to) {
    RecipientVerdict v = t.recipient(path(to), RcptParameters.NONE).block(Duration.ofSeconds(30));
    return v instanceof RecipientVerdict.Accepted a ? a.reply() : ((RecipientVerdict.Refused) v).reply();
  }

  /** Plain (unstuffed) octets in uneven buffers, as the server session hands them over. */
  static Flux<ByteBuf> plain(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
    int piece = 3001;
    return Flux.range(0, (bytes.length + piece - 1) / piece)
        .map(i -> Unpooled.copiedBuffer(bytes, i * piece, Math.min(piece, bytes.length - i * piece)));
  }

  @Test
  void twoTransactionsOfOneClientSessionShareOneBackendSessionAndArriveByteForByte(MailServers servers)
      throws Exception {
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofSeconds(30), 10);
    SessionFacts facts = session("203.0.113.10", 40100);

    String first = "sink-1 " + UUID.randomUUID();
    String firstBody = body(first);
    TransactionSink.Transaction t1 = sink.begin(envelope(facts, "carol@elsewhere.test"));
    assertThat(rcpt(t1, "alice@example.test").code()).isEqualTo(250);
    SmtpReply refused = rcpt(t1, "dave@elsewhere.test");
    assertThat(refused.code()).isEqualTo(554);
    assertThat(refused.text()).contains("Relay access denied");
    SmtpReply done = t1.deliver(plain(message(first, firstBody))).block(Duration.ofSeconds(60));
    assertThat(done.code()).isEqualTo(250);
    assertThat(done.text()).contains("queued as");
    assertThat(sink.parkedSessions()).isEqualTo(1);

    String second = "sink-2 " + UUID.randomUUID();
    TransactionSink.Transaction t2 = sink.begin(envelope(facts, "carol@elsewhere.test"));
    assertThat(rcpt(t2, "alice@example.test").code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).isZero(); // the parked session was taken, not a new one opened
    assertThat(t2.deliver(plain(message(second, ".\r\nonly dots\r\n.."))).block(Duration.ofSeconds(60)).code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).isEqualTo(1);
    sink.closeIdle().block(Duration.ofSeconds(10));
    assertThat(sink.parkedSessions()).isZero();

    assertThat(new String(fetchBody(servers, first), StandardCharsets.US_ASCII)).isEqualTo(firstBody);
    assertThat(new String(fetchBody(servers, second), StandardCharsets.US_ASCII)).isEqualTo(".\r\nonly dots\r\n..\r\n");
    assertThat(java.nio.file.Files.readString(servers.postfixLog())).contains("client=unknown[203.0.113.10]");
  }

  @Test
  void anAnonymousBackendSessionCarriesTheNextClientsTransactionWithoutANewConnection(MailServers servers)
      throws Exception {
    // no XCLIENT (and no AUTH): the backend sees only the gateway, so any client may use the session
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS)
        .withXclientOnlyFor(b -> false);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofHours(1), 10);
    SessionFacts first = session("203.0.113.14", 40104);
    SessionFacts second = session("203.0.113.15", 40105);

    String subject1 = "shared-1 " + UUID.randomUUID();
    TransactionSink.Transaction t1 = sink.begin(envelope(first, "carol@elsewhere.test"));
    assertThat(rcpt(t1, "alice@example.test").code()).isEqualTo(250);
    SmtpReply done1 = t1.deliver(plain(message(subject1, body(subject1)))).block(Duration.ofSeconds(60));
    assertThat(done1.code()).isEqualTo(250);
    sink.sessionEnded(first); // the first client is gone: its backend session stays for others
    assertThat(sink.parkedSessions()).isEqualTo(1);

    String subject2 = "shared-2 " + UUID.randomUUID();
    TransactionSink.Transaction t2 = sink.begin(envelope(second, "carol@elsewhere.test"));
    assertThat(rcpt(t2, "alice@example.test").code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).as("the second client took the parked session").isZero();
    SmtpReply done2 = t2.deliver(plain(message(subject2, body(subject2)))).block(Duration.ofSeconds(60));
    assertThat(done2.code()).isEqualTo(250);
    sink.closeIdle().block(Duration.ofSeconds(10));
    assertThat(sink.parkedSessions()).isZero();

    // Postfix received both messages in one smtpd session: the same process logged both queue ids
    // and no disconnect in between (an smtpd process serves connections one after another)
    String log = java.nio.file.Files.readString(servers.postfixLog());
    assertThat(sameSmtpdSession(log, queueId(done1), queueId(done2))).isTrue();
    assertThat(new String(fetchBody(servers, subject2), StandardCharsets.US_ASCII)).isEqualTo(body(subject2));
  }

  @Test
  void aBackendSessionThatNamedItsClientIsNeverGivenToAnotherClient(MailServers servers) throws Exception {
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofHours(1), 10);
    SessionFacts first = session("203.0.113.16", 40106);
    String subject = "xclient-own " + UUID.randomUUID();
    TransactionSink.Transaction t1 = sink.begin(envelope(first, "carol@elsewhere.test"));
    assertThat(rcpt(t1, "alice@example.test").code()).isEqualTo(250);
    assertThat(t1.deliver(plain(message(subject, body(subject)))).block(Duration.ofSeconds(60)).code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).isEqualTo(1);

    TransactionSink.Transaction t2 = sink.begin(envelope(session("203.0.113.17", 40107), "carol@elsewhere.test"));
    assertThat(rcpt(t2, "alice@example.test").code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).as("the first client's session is still parked for it").isEqualTo(1);
    t2.abort().block(Duration.ofSeconds(10));
    sink.sessionEnded(first);
    sink.closeIdle().block(Duration.ofSeconds(10));
    assertThat(sink.parkedSessions()).isZero();
  }

  private static String queueId(SmtpReply reply) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("queued as (\\w+)").matcher(reply.text());
    assertThat(m.find()).as("queue id in %s", reply.text()).isTrue();
    return m.group(1);
  }

  /** Whether one smtpd connection logged both queue ids: same process, no disconnect between. */
  private static boolean sameSmtpdSession(String log, String firstId, String secondId) {
    List<String> lines = log.lines().toList();
    int first = -1;
    int second = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("]: " + firstId + ": client=")) {
        first = i;
      } else if (lines.get(i).contains("]: " + secondId + ": client=")) {
        second = i;
      }
    }
    if (first < 0 || second < first) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("smtpd\\[(\\d+)\\]").matcher(lines.get(first));
    if (!m.find() || !lines.get(second).contains(m.group())) {
      return false;
    }
    String pid = m.group();
    return lines.subList(first, second).stream().noneMatch(l -> l.contains(pid) && l.contains("disconnect from"));
  }

  @Test
  void theParkedBackendSessionGetsQuitAsSoonAsTheClientSessionEnds(MailServers servers) throws Exception {
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    // a reuse window far beyond the test: only the end of the client session can close it
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofHours(1), 10);
    SessionFacts facts = session("203.0.113.12", 40102);
    String subject = "sink-ended " + UUID.randomUUID();
    TransactionSink.Transaction t = sink.begin(envelope(facts, "carol@elsewhere.test"));
    assertThat(rcpt(t, "alice@example.test").code()).isEqualTo(250);
    assertThat(t.deliver(plain(message(subject, body(subject)))).block(Duration.ofSeconds(60)).code()).isEqualTo(250);
    assertThat(sink.parkedSessions()).isEqualTo(1);

    sink.sessionEnded(facts);

    assertThat(sink.parkedSessions()).isZero();
    String disconnect = "disconnect from unknown[203.0.113.12]";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String log = java.nio.file.Files.readString(servers.postfixLog());
    while (!log.contains(disconnect) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      log = java.nio.file.Files.readString(servers.postfixLog());
    }
    String line = log.lines().filter(l -> l.contains(disconnect)).findFirst().orElse("");
    assertThat(line).as("Postfix saw the backend session end with QUIT").contains("quit=1");
  }

  @Test
  void anUnclaimedParkedSessionGetsQuitWhenTheReuseWindowIsOver(MailServers servers) throws Exception {
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofMillis(200), 10);
    SessionFacts facts = session("203.0.113.13", 40103);
    String subject = "sink-expired " + UUID.randomUUID();
    TransactionSink.Transaction t = sink.begin(envelope(facts, "carol@elsewhere.test"));
    assertThat(rcpt(t, "alice@example.test").code()).isEqualTo(250);
    assertThat(t.deliver(plain(message(subject, body(subject)))).block(Duration.ofSeconds(60)).code()).isEqualTo(250);

    String disconnect = "disconnect from unknown[203.0.113.13]";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String log = java.nio.file.Files.readString(servers.postfixLog());
    while ((sink.parkedSessions() > 0 || !log.contains(disconnect)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      log = java.nio.file.Files.readString(servers.postfixLog());
    }
    assertThat(sink.parkedSessions()).isZero();
    String line = log.lines().filter(l -> l.contains(disconnect)).findFirst().orElse("");
    assertThat(line).as("Postfix saw the backend session end with QUIT").contains("quit=1");
  }

  @Test
  void deliverWithoutAcceptedRecipientsNeverReachesTheBackend(MailServers servers) throws Exception {
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    List<dev.mailgate.gateway.backend.Backend> route = backend(connector, servers, "postfix-sink", servers.smtpPort());
    BackendRelaySink sink = new BackendRelaySink(client, route, e -> null, Duration.ofSeconds(30), 10);
    TransactionSink.Transaction t = sink.begin(envelope(session("203.0.113.11", 40101), "carol@elsewhere.test"));
    assertThat(rcpt(t, "dave@elsewhere.test").code()).isEqualTo(554);
    ByteBuf content = Unpooled.copiedBuffer("Subject: x\r\n\r\nx\r\n", StandardCharsets.US_ASCII);
    assertThat(t.deliver(Flux.just(content)).block(Duration.ofSeconds(30))).isEqualTo(BackendReplies.NO_RECIPIENTS);
    assertThat(content.refCnt()).isZero();
    t.abort().block(Duration.ofSeconds(10));
    sink.closeIdle().block(Duration.ofSeconds(10));
  }
}
