package dev.mailgate.gateway.proxy.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

/**
 * The backend leg against the harness's real Postfix, delivering to real Dovecot: what is relayed
 * arrives byte for byte, per-recipient replies are Postfix's own, XCLIENT reaches Postfix's log,
 * BDAT goes through natively and converted to DATA, AUTH works on submission.
 */
@ExtendWith(MailServersExtension.class)
class BackendSmtpClientInteropTest {

  static Transport transport;
  static BackendConnector connector;

  @BeforeAll
  static void start() {
    transport = Transport.create("test-psmtp", 1);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    transport.close();
  }

  static List<Backend> backend(MailServers servers, String name, int port) throws Exception {
    return backend(connector, servers, name, port);
  }

  static List<Backend> backend(BackendConnector connector, MailServers servers, String name, int port)
      throws Exception {
    BackendSpec spec = BackendSpec.of(name, "127.0.0.1", port, BackendTlsMode.STARTTLS)
        .withTls(ClientTlsSpec.of(new BackendTrust.CaFile(servers.caFile())));
    return List.of(connector.backend(spec));
  }

  static BackendSmtpClient client() {
    return new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
  }

  static SmtpCommand.Mail mail(String from) {
    int at = from.indexOf('@');
    return new SmtpCommand.Mail(new SmtpPath(from.substring(0, at), from.substring(at + 1), List.of(), false),
        MailParameters.NONE);
  }

  static SmtpCommand.Rcpt rcpt(String to) {
    int at = to.indexOf('@');
    return new SmtpCommand.Rcpt(new SmtpPath(to.substring(0, at), to.substring(at + 1), List.of(), false),
        RcptParameters.NONE);
  }

  /** A message whose body has a dot line, a long line and 8-bit-free tricky bytes. */
  static String body(String tag) {
    StringBuilder b = new StringBuilder();
    b.append("first line ").append(tag).append("\r\n");
    b.append(".a line that starts with a dot\r\n");
    b.append("..two dots\r\n");
    b.append("x".repeat(900)).append("\r\n");
    for (int i = 0; i < 2000; i++) {
      b.append("line ").append(i).append(" of a body long enough to span many buffers\r\n");
    }
    b.append("last line\r\n");
    return b.toString();
  }

  static String message(String subject, String body) {
    return "From: alice@example.test\r\nTo: alice@example.test\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.test>\r\n\r\n" + body;
  }

  /** DATA content as the client sends it: dot-stuffed, cut into uneven buffers. */
  static Flux<ByteBuf> dotStuffed(String message, int piece) {
    String stuffed = message.replace("\r\n.", "\r\n..");
    if (stuffed.startsWith(".")) {
      stuffed = "." + stuffed;
    }
    byte[] bytes = stuffed.getBytes(StandardCharsets.US_ASCII);
    return Flux.range(0, (bytes.length + piece - 1) / piece)
        .map(i -> Unpooled.wrappedBuffer(bytes, i * piece, Math.min(piece, bytes.length - i * piece)));
  }

  static Flux<ByteBuf> raw(byte[] bytes, int from, int to) {
    return Flux.just(Unpooled.copiedBuffer(bytes, from, to - from));
  }

  /** The raw body of the message with this subject in alice's INBOX, read back over IMAP. */
  static byte[] fetchBody(MailServers servers, String subject) {
    AtomicReference<byte[]> found = new AtomicReference<>();
    Session s = Session.getInstance(new Properties());
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      try (Store store = s.getStore("imap")) {
        store.connect("127.0.0.1", servers.imapPort(), MailServers.ALICE.address(), MailServers.ALICE.password());
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
          Message[] m = inbox.search(new SubjectTerm(subject));
          if (m.length != 1) {
            return false;
          }
          found.set(((MimeMessage) m[0]).getRawInputStream().readAllBytes());
          return true;
        } finally {
          inbox.close(false);
        }
      }
    });
    return found.get();
  }

  static SmtpReply sendData(SmtpTransactionClient tx, String message) {
    SmtpReply go = tx.beginData().block(Duration.ofSeconds(30));
    assertThat(go.code()).isEqualTo(354);
    return tx.data(dotStuffed(message, 1000)).block(Duration.ofSeconds(60));
  }

  @Test
  void relayedMessageArrivesInDovecotByteForByteWithXclientAddressInPostfixLog(MailServers servers) throws Exception {
    String subject = "relay " + UUID.randomUUID();
    String body = body(subject);
    ClientFacts facts = ClientFacts.of("203.0.113.7", 40025).withHelo("client.example.net", true);
    SmtpTransactionClient tx = client().open(backend(servers, "postfix-smtp", servers.smtpPort()), facts, null)
        .block(Duration.ofSeconds(30));
    assertThat(tx.backend().name()).isEqualTo("postfix-smtp");
    assertThat(tx.capabilities().pipelining()).isTrue();

    EnvelopeReplies env = tx.envelope(mail("alice@example.test"), List.of(rcpt("alice@example.test")))
        .block(Duration.ofSeconds(30));
    assertThat(env.mail().code()).isEqualTo(250);
    assertThat(env.recipients()).extracting(SmtpReply::code).containsExactly(250);

    SmtpReply done = sendData(tx, message(subject, body));
    assertThat(done.code()).isEqualTo(250);
    assertThat(done.text()).contains("queued as");
    tx.quit().block(Duration.ofSeconds(10));

    assertThat(new String(fetchBody(servers, subject), StandardCharsets.US_ASCII)).isEqualTo(body);
    String log = Files.readString(servers.postfixLog());
    assertThat(log).contains("client=unknown[203.0.113.7]");
  }

  @Test
  void perRecipientRepliesAreThePostfixOnesWhenOneRecipientIsRefused(MailServers servers) throws Exception {
    // XCLIENT makes Postfix judge the real client, outside mynetworks: no relaying to other domains.
    ClientFacts facts = ClientFacts.of("203.0.113.8", 40026).withHelo("client.example.net", true);
    SmtpTransactionClient tx = client().open(backend(servers, "postfix-smtp", servers.smtpPort()), facts, null)
        .block(Duration.ofSeconds(30));
    String subject = "rcpts " + UUID.randomUUID();
    EnvelopeReplies env = tx.envelope(mail("carol@elsewhere.test"),
            List.of(rcpt("alice@example.test"), rcpt("dave@elsewhere.test"), rcpt("bob@example.test")))
        .block(Duration.ofSeconds(30));
    assertThat(env.recipients()).extracting(SmtpReply::code).containsExactly(250, 554, 250);
    assertThat(env.recipients().get(1).text()).contains("Relay access denied");
    assertThat(env.recipients().get(1).enhancedCode().toString()).isEqualTo("5.7.1");
    assertThat(env.anyRecipientAccepted()).isTrue();
    assertThat(sendData(tx, message(subject, "two of three\r\n")).code()).isEqualTo(250);
    tx.quit().block(Duration.ofSeconds(10));
    assertThat(new String(fetchBody(servers, subject), StandardCharsets.US_ASCII)).isEqualTo("two of three\r\n");
  }

  @Test
  void secondTransactionReusesTheSession(MailServers servers) throws Exception {
    SmtpTransactionClient tx = client().open(backend(servers, "postfix-smtp", servers.smtpPort()), null, null)
        .block(Duration.ofSeconds(30));
    String first = "reuse-1 " + UUID.randomUUID();
    String second = "reuse-2 " + UUID.randomUUID();
    for (String subject : List.of(first, second)) {
      EnvelopeReplies env = tx.envelope(mail("alice@example.test"), List.of(rcpt("alice@example.test")))
          .block(Duration.ofSeconds(30));
      assertThat(env.mail().code()).isEqualTo(250);
      assertThat(sendData(tx, message(subject, subject + "\r\n")).code()).isEqualTo(250);
      assertThat(tx.usable()).isTrue();
    }
    tx.quit().block(Duration.ofSeconds(10));
    assertThat(tx.usable()).isFalse();
    assertThat(new String(fetchBody(servers, first), StandardCharsets.US_ASCII)).isEqualTo(first + "\r\n");
    assertThat(new String(fetchBody(servers, second), StandardCharsets.US_ASCII)).isEqualTo(second + "\r\n");
  }

  @Test
  void bdatChunksRelayNativelyToABackendWithChunking(MailServers servers) throws Exception {
    String subject = "bdat " + UUID.randomUUID();
    String body = body(subject) + ".\r\n";
    byte[] msg = message(subject, body).getBytes(StandardCharsets.US_ASCII);
    SmtpTransactionClient tx = client().open(backend(servers, "postfix-smtp", servers.smtpPort()), null, null)
        .block(Duration.ofSeconds(30));
    assertThat(tx.capabilities().chunking()).isTrue();
    tx.envelope(mail("alice@example.test"), List.of(rcpt("alice@example.test"))).block(Duration.ofSeconds(30));
    int cut = 7777;
    assertThat(tx.bdat(cut, false, raw(msg, 0, cut)).block(Duration.ofSeconds(30)).code()).isEqualTo(250);
    SmtpReply last = tx.bdat(msg.length - cut, true, raw(msg, cut, msg.length)).block(Duration.ofSeconds(30));
    assertThat(last.code()).isEqualTo(250);
    assertThat(last.text()).contains("queued as");
    tx.quit().block(Duration.ofSeconds(10));
    assertThat(new String(fetchBody(servers, subject), StandardCharsets.US_ASCII)).isEqualTo(body);
  }

  @Test
  void bdatFromTheClientBecomesDotStuffedDataForABackendWithoutChunking(MailServers servers) throws Exception {
    String subject = "bdat-to-data " + UUID.randomUUID();
    String body = body(subject) + ".\r\n.\r\n..\r\nend";  // dot lines, and no final CRLF
    byte[] msg = message(subject, body).getBytes(StandardCharsets.US_ASCII);
    BackendSmtpClient client = client().withDiscardedKeywords(Set.of("chunking"));
    SmtpTransactionClient tx = client.open(backend(servers, "postfix-smtp", servers.smtpPort()), null, null)
        .block(Duration.ofSeconds(30));
    assertThat(tx.capabilities().chunking()).isFalse();
    tx.envelope(mail("alice@example.test"), List.of(rcpt("alice@example.test"))).block(Duration.ofSeconds(30));
    // Cut so that a chunk ends between CR and LF and the next starts with a dot line.
    int cut1 = message(subject, "").length() + body.indexOf("\r\n.a line") + 1;
    int cut2 = cut1 + 5000;
    assertThat(tx.bdat(cut1, false, raw(msg, 0, cut1)).block(Duration.ofSeconds(30)).code()).isEqualTo(250);
    assertThat(tx.bdat(cut2 - cut1, false, raw(msg, cut1, cut2)).block(Duration.ofSeconds(30)).code()).isEqualTo(250);
    SmtpReply last = tx.bdat(msg.length - cut2, true, raw(msg, cut2, msg.length)).block(Duration.ofSeconds(30));
    assertThat(last.code()).isEqualTo(250);
    assertThat(last.text()).contains("queued as");
    tx.quit().block(Duration.ofSeconds(10));
    assertThat(new String(fetchBody(servers, subject), StandardCharsets.US_ASCII)).isEqualTo(body + "\r\n");
  }

  @Test
  void submissionRelaysWithStarttlsAndTheUsersAuthPlain(MailServers servers) throws Exception {
    String subject = "submission " + UUID.randomUUID();
    BackendLogin login = BackendLogin.of(new SaslCredentials.Password("", MailServers.ALICE.address(),
        Secret.ofString(MailServers.ALICE.password())));
    SmtpTransactionClient tx = client()
        .open(backend(servers, "postfix-submission", servers.submissionPort()),
            ClientFacts.of("203.0.113.9", 40027), login)
        .block(Duration.ofSeconds(30));
    EnvelopeReplies env = tx.envelope(mail("alice@example.test"), List.of(rcpt("alice@example.test")))
        .block(Duration.ofSeconds(30));
    assertThat(env.recipients()).extracting(SmtpReply::code).containsExactly(250);
    assertThat(sendData(tx, message(subject, "submitted\r\n")).code()).isEqualTo(250);
    tx.quit().block(Duration.ofSeconds(10));
    assertThat(new String(fetchBody(servers, subject), StandardCharsets.US_ASCII)).isEqualTo("submitted\r\n");
    assertThat(Files.readString(servers.postfixLog())).contains("client=unknown[203.0.113.9]", "sasl_username=alice@example.test");
  }

  @Test
  void wrongPasswordOnSubmissionGivesPostfixsRefusalNotASession(MailServers servers) throws Exception {
    BackendLogin login = BackendLogin.of(new SaslCredentials.Password("", MailServers.ALICE.address(),
        Secret.ofString("wrong-password")));
    Throwable failure = client()
        .open(backend(servers, "postfix-submission", servers.submissionPort()), null, login)
        .map(tx -> (Throwable) null)
        .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
        .block(Duration.ofSeconds(30));
    assertThat(failure).isInstanceOf(BackendSmtpException.class);
    assertThat(((BackendSmtpException) failure).reply().code()).isEqualTo(535);
  }

  @Test
  void smtputf8SenderIsRefusedForABackendWithoutSmtputf8(MailServers servers) throws Exception {
    SmtpTransactionClient tx = client().open(backend(servers, "postfix-smtp", servers.smtpPort()), null, null)
        .block(Duration.ofSeconds(30));
    assertThat(tx.capabilities().smtpUtf8()).isFalse();
    SmtpCommand.Mail m = new SmtpCommand.Mail(new SmtpPath("jürgen", "example.test", List.of(), true),
        new MailParameters(-1, MailParameters.Body.EIGHT_BITMIME, true, null, null, null, List.of()));
    EnvelopeReplies env = tx.envelope(m, List.of(rcpt("alice@example.test"))).block(Duration.ofSeconds(30));
    assertThat(env.mail().code()).isEqualTo(553);
    assertThat(env.recipients()).extracting(SmtpReply::code).containsExactly(503);
    tx.quit().block(Duration.ofSeconds(10));
  }
}
