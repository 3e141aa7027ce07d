package dev.mailgate.gateway.proxy.smtp;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.backend.BackendUnavailable;
import dev.mailgate.gateway.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The backend failing: never a 250 it did not give, always a 4xx the client retries on. */
class BackendSmtpFaultTest {

  static final String EHLO_PLAIN = "250-fake.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
  static final String EHLO_NO_PIPELINING = "250-fake.example\r\n250 8BITMIME\r\n";

  static Transport transport;
  static BackendConnector connector;

  @BeforeAll
  static void start() {
    transport = Transport.create("test-psmtp-fault", 1);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    transport.close();
  }

  static List<Backend> at(String name, int port) throws Exception {
    return List.of(connector.backend(BackendSpec.of(name, "127.0.0.1", port, BackendTlsMode.NONE)
        .withConnectTimeout(Duration.ofSeconds(2))));
  }

  static BackendSmtpClient client(Duration dataEnd) {
    return new BackendSmtpClient(connector, "gw.example.test",
        BackendSmtpLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), dataEnd));
  }

  static SmtpPath path(String local, String domain) {
    return new SmtpPath(local, domain, List.of(), false);
  }

  static SmtpTransactionClient openAndEnvelope(FakeBackend fake, String name, Duration dataEnd) throws Exception {
    SmtpTransactionClient tx = client(dataEnd).open(at(name, fake.port()), null, null).block(Duration.ofSeconds(10));
    EnvelopeReplies env = tx.envelope(
            new SmtpCommand.Mail(path("a", "example.test"), MailParameters.NONE),
            List.of(new SmtpCommand.Rcpt(path("b", "example.test"), RcptParameters.NONE),
                new SmtpCommand.Rcpt(path("c", "example.test"), RcptParameters.NONE)))
        .block(Duration.ofSeconds(10));
    assertThat(env.mail().code()).isEqualTo(250);
    assertThat(env.recipients()).extracting(SmtpReply::code).containsExactly(250, 250);
    assertThat(tx.beginData().block(Duration.ofSeconds(10)).code()).isEqualTo(354);
    return tx;
  }

  /** 1 MiB of content in 16 KiB buffers, far more than the fake reads before it drops. */
  static Flux<ByteBuf> bigContent() {
    byte[] line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[16 * 1024 / line.length * line.length];
    for (int i = 0; i < block.length; i += line.length) {
      System.arraycopy(line, 0, block, i, line.length);
    }
    return Flux.range(0, 64).map(i -> Unpooled.wrappedBuffer(block));
  }

  static EnvelopeReplies envelope(SmtpTransactionClient tx) {
    return tx.envelope(new SmtpCommand.Mail(path("a", "example.test"), MailParameters.NONE),
            List.of(new SmtpCommand.Rcpt(path("b", "example.test"), RcptParameters.NONE)))
        .block(Duration.ofSeconds(10));
  }

  @Test
  void theNextEnvelopeAfterARelayedMessageGoesWithoutRset() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.NONE, EHLO_PLAIN)) {
      SmtpTransactionClient tx = openAndEnvelope(fake, "fake-no-rset", Duration.ofSeconds(5));
      SmtpReply done = tx.data(Flux.just(Unpooled.copiedBuffer("Subject: x\r\n\r\nhi\r\n", StandardCharsets.US_ASCII)))
          .block(Duration.ofSeconds(20));
      assertThat(done.code()).isEqualTo(250);
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      // RFC 5321 4.1.1.4: the final reply to the end of data cleared the backend's transaction
      assertThat(fake.commands()).doesNotContain("RSET")
          .containsSubsequence("DATA", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>");
    }
  }

  @Test
  void theNextEnvelopeAfterOneWithoutContentStartsWithRset() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.NONE, EHLO_PLAIN)) {
      SmtpTransactionClient tx = client(Duration.ofSeconds(5)).open(at("fake-rset", fake.port()), null, null)
          .block(Duration.ofSeconds(10));
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      assertThat(fake.commands()).containsSubsequence(
          "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "RSET", "MAIL FROM:<a@example.test>");
    }
  }

  @Test
  void backendDroppingMidDataGives451NotA250() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.DROP_MID_DATA, EHLO_PLAIN)) {
      SmtpTransactionClient tx = openAndEnvelope(fake, "fake-drop-mid", Duration.ofSeconds(5));
      SmtpReply reply = tx.data(bigContent()).block(Duration.ofSeconds(20));
      assertThat(reply).isEqualTo(BackendReplies.LOST);
      assertThat(reply.code()).isEqualTo(451);
      assertThat(reply.enhancedCode().toString()).isEqualTo("4.4.1");
      assertThat(tx.usable()).isFalse();
    }
  }

  @Test
  void backendClosingAfterEndOfDataWithoutReplyGives451() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.DROP_AFTER_END_OF_DATA, EHLO_NO_PIPELINING)) {
      SmtpTransactionClient tx = openAndEnvelope(fake, "fake-drop-end", Duration.ofSeconds(5));
      SmtpReply reply = tx.data(Flux.just(Unpooled.copiedBuffer("Subject: x\r\n\r\nhi\r\n", StandardCharsets.US_ASCII)))
          .block(Duration.ofSeconds(20));
      assertThat(reply).isEqualTo(BackendReplies.LOST);
      // no pipelining advertised: MAIL and each RCPT went one at a time
      assertThat(fake.commands()).containsSubsequence("MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>",
          "RCPT TO:<c@example.test>", "DATA");
    }
  }

  @Test
  void dotStuffedMessageSendsDataThenTheContentAndGivesTheBackendsFinalReply() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.NONE, EHLO_PLAIN)) {
      SmtpTransactionClient tx = client(Duration.ofSeconds(5)).open(at("fake-stuffed", fake.port()), null, null)
          .block(Duration.ofSeconds(10));
      assertThat(envelope(tx).recipients()).extracting(SmtpReply::code).containsExactly(250);
      SmtpReply done = tx.dotStuffedMessage(
              Flux.just(Unpooled.copiedBuffer("Subject: x\r\n\r\n..dot\r\n", StandardCharsets.US_ASCII)))
          .block(Duration.ofSeconds(20));
      assertThat(done.code()).isEqualTo(250);
      assertThat(fake.commands()).containsSubsequence("MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "DATA");
      // the final reply ended the backend's transaction: the next envelope needs no RSET
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      assertThat(fake.commands()).doesNotContain("RSET");
    }
  }

  @Test
  void backendDroppingMidDotStuffedMessageGives451NotA250() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.DROP_MID_DATA, EHLO_PLAIN)) {
      SmtpTransactionClient tx = client(Duration.ofSeconds(5)).open(at("fake-stuffed-drop", fake.port()), null, null)
          .block(Duration.ofSeconds(10));
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      SmtpReply reply = tx.dotStuffedMessage(bigContent()).block(Duration.ofSeconds(20));
      assertThat(reply).isEqualTo(BackendReplies.LOST);
      assertThat(tx.usable()).isFalse();
    }
  }

  @Test
  void backendSilentAfterDotStuffedMessageTimesOutWith451() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.SILENT_AFTER_END_OF_DATA, EHLO_PLAIN)) {
      SmtpTransactionClient tx = client(Duration.ofMillis(500)).open(at("fake-stuffed-silent", fake.port()), null, null)
          .block(Duration.ofSeconds(10));
      assertThat(envelope(tx).mail().code()).isEqualTo(250);
      SmtpReply reply = tx.dotStuffedMessage(Flux.just(Unpooled.copiedBuffer("hi\r\n", StandardCharsets.US_ASCII)))
          .block(Duration.ofSeconds(20));
      assertThat(reply).isEqualTo(BackendReplies.LOST);
      assertThat(tx.usable()).isFalse();
    }
  }

  @Test
  void envelopeCancelledBeforeItsRepliesClosesTheBackendSession() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.SILENT_AFTER_EHLO, EHLO_PLAIN)) {
      SmtpTransactionClient tx = client(Duration.ofSeconds(5)).open(at("fake-cancelled", fake.port()), null, null)
          .block(Duration.ofSeconds(10));
      Disposable waiting = tx.envelope(new SmtpCommand.Mail(path("a", "example.test"), MailParameters.NONE),
              List.of(new SmtpCommand.Rcpt(path("b", "example.test"), RcptParameters.NONE)))
          .subscribe();
      await().atMost(Duration.ofSeconds(10)).until(() -> fake.commands().contains("RCPT TO:<b@example.test>"));
      waiting.dispose();
      // the replies still owed would answer the next transaction's MAIL and RCPT
      await().atMost(Duration.ofSeconds(10)).until(() -> !tx.usable());
    }
  }

  @Test
  void backendSilentAfterEndOfDataTimesOutWith451() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.SILENT_AFTER_END_OF_DATA, EHLO_PLAIN)) {
      SmtpTransactionClient tx = openAndEnvelope(fake, "fake-silent", Duration.ofMillis(500));
      SmtpReply reply = tx.data(Flux.just(Unpooled.copiedBuffer("hi\r\n", StandardCharsets.US_ASCII)))
          .block(Duration.ofSeconds(20));
      assertThat(reply).isEqualTo(BackendReplies.LOST);
      assertThat(tx.usable()).isFalse();
    }
  }

  @Test
  void clientContentFailingClosesTheBackendWithoutEndOfData() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.SILENT_AFTER_END_OF_DATA, EHLO_PLAIN)) {
      SmtpTransactionClient tx = openAndEnvelope(fake, "fake-client-gone", Duration.ofSeconds(5));
      Flux<ByteBuf> broken = Flux.concat(
          Mono.just(Unpooled.copiedBuffer("partial\r\n", StandardCharsets.US_ASCII)),
          Mono.error(new IllegalStateException("client went away")));
      SmtpReply reply = tx.data(broken).block(Duration.ofSeconds(20));
      assertThat(reply.code()).isEqualTo(451);
      assertThat(tx.usable()).isFalse();
    }
  }

  @Test
  void backendDownIsBackendUnavailableMappedTo451() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Throwable failure = client(Duration.ofSeconds(5)).open(at("down", closedPort), null, null)
        .map(tx -> (Throwable) null)
        .onErrorResume(Mono::just)
        .block(Duration.ofSeconds(20));
    assertThat(failure).isInstanceOf(BackendUnavailable.class);
    SmtpReply reply = BackendReplies.forOpenFailure(failure);
    assertThat(reply.code()).isEqualTo(451);
    assertThat(reply.enhancedCode().toString()).isEqualTo("4.4.1");
    assertThat(BackendReplies.UNAVAILABLE_CLOSING.code()).isEqualTo(421);
  }

  @Test
  void backendThatStopsOfferingStarttlsIsRefusedNotUsedInPlaintext() throws Exception {
    try (FakeBackend fake = new FakeBackend(FakeBackend.Fault.SILENT_AFTER_END_OF_DATA, EHLO_PLAIN)) {
      List<Backend> b = List.of(connector.backend(
          BackendSpec.of("fake-no-tls", "127.0.0.1", fake.port(), BackendTlsMode.STARTTLS)));
      Throwable failure = client(Duration.ofSeconds(5)).open(b, null, null)
          .map(tx -> (Throwable) null)
          .onErrorResume(Mono::just)
          .block(Duration.ofSeconds(20));
      assertThat(failure).isInstanceOf(BackendSmtpException.class);
      assertThat(BackendReplies.forOpenFailure(failure).code()).isEqualTo(451);
      assertThat(fake.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }
  }
}
