package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SMTP sessions over a real socket against the started MX, submission and SMTPS listeners. */
class SmtpSessionTranscriptTest {
  @TempDir static Path dir;
  static SmtpTestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SmtpTestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
  }

  static SmtpWire mx() throws Exception {
    SmtpWire w = new SmtpWire(server.mx.port());
    w.expect("220 mx\\.example\\.test ESMTP mailgate");
    return w;
  }

  /** A submission session after STARTTLS and EHLO, not yet authenticated. */
  static SmtpWire submissionOverTls() throws Exception {
    SmtpWire w = new SmtpWire(server.submission.port());
    w.expect("220 .*");
    w.send("EHLO client.example\r\n").expect("250-.*STARTTLS.*");
    w.send("STARTTLS\r\n").expect("220 2\\.0\\.0 .*");
    w.startTls();
    w.send("EHLO client.example\r\n").expect("250-.*AUTH PLAIN LOGIN.*");
    return w;
  }

  @Test
  void rfc5321AppendixD1SessionDeliversToTheKnownRecipients() throws Exception {
    int alice = server.messages("alice@example.test").size();
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-mx\\.example\\.test greets bar\\.example\n"
          + "250-PIPELINING\n250-SIZE 26214400\n250-8BITMIME\n250-SMTPUTF8\n"
          + "250-ENHANCEDSTATUSCODES\n250-CHUNKING\n250-STARTTLS\n250 AUTH PLAIN LOGIN");
      w.send("MAIL FROM:<Smith@bar.example>\r\n").expect("250 2\\.1\\.0 .*");
      w.send("RCPT TO:<alice@example.test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("RCPT TO:<Green@example.test>\r\n").expect("550 5\\.1\\.1 .*");
      w.send("RCPT TO:<Bob@Example.Test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("DATA\r\n").expect("354 .*");
      w.send("Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\n").expect("250 2\\.0\\.0 .*");
      w.send("QUIT\r\n").expect("221 2\\.0\\.0 mx\\.example\\.test closing connection");
      assertThat(w.closedByServer()).isTrue();
    }
    assertThat(server.messages("alice@example.test")).hasSize(alice + 1);
    assertThat(server.messages("bob@example.test")).hasSize(bob + 1);
    String body = new String(server.lastMessage("bob@example.test"), UTF_8);
    // two recipients: the Received header names neither; ".." was unstuffed
    assertThat(body).startsWith("Return-Path: <Smith@bar.example>\r\nReceived: from bar.example ([127.0.0.1])\r\n"
        + "\tby mx.example.test (mailgate) with ESMTP id ");
    assertThat(body).doesNotContain("\tfor ").endsWith("\r\n\r\nBlah blah blah...\r\n..etc. etc. etc.\r\n".substring(4));
  }

  @Test
  void aUserAddedAMomentAgoIsGivenTheirMailboxOnTheSpotAndTheMessageIsDelivered() throws Exception {
    // `mailgate user add` only writes the user list; the gateway's poll provisions within a second,
    // and a message in that second (a script sending right after adding) must not be deferred
    server.users.add("newcomer@example.test", "newcomer secret".toCharArray()).block();
    try (SmtpWire w = mx()) {
      w.send("EHLO client.example\r\n").expect("250-.*");
      w.send("MAIL FROM:<someone@elsewhere.example>\r\n").expect("250 .*");
      w.send("RCPT TO:<newcomer@example.test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("RCPT TO:<nobody-at-all@example.test>\r\n").expect("550 5\\.1\\.1 .*");
      w.send("DATA\r\n").expect("354 .*");
      w.send("Subject: welcome\r\n\r\nhello\r\n.\r\n").expect("250 2\\.0\\.0 OK: delivered.*");
      w.send("QUIT\r\n").expect("221 .*");
    }
    assertThat(new String(server.lastMessage("newcomer@example.test"), UTF_8)).endsWith("Subject: welcome\r\n\r\nhello\r\n");
  }

  @Test
  void deliveredMessageIsStoredByteForByteAfterTheTraceHeaders() throws Exception {
    String message = "From: Smith <smith@bar.example>\r\nTo: alice@example.test\r\n"
        + "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\nBody with 8-bit caf\u00e9 and\r\n.a leading dot\r\n"
        + "..two dots\r\n\r\n";
    String stuffed = message.replace("\r\n.", "\r\n..");
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-.*");
      w.send("MAIL FROM:<smith@bar.example> BODY=8BITMIME SIZE=200\r\n").expect("250 .*");
      w.send("RCPT TO:<al@example.org>\r\n").expect("250 .*");
      w.send("DATA\r\n").expect("354 .*");
      w.send(stuffed + ".\r\n").expect("250 2\\.0\\.0 .*");
    }
    String stored = new String(server.lastMessage("alice@example.test"), UTF_8);
    assertThat(stored).matches("(?s)Return-Path: <smith@bar\\.example>\r\n"
        + "Received: from bar\\.example \\(\\[127\\.0\\.0\\.1]\\)\r\n"
        + "\tby mx\\.example\\.test \\(mailgate\\) with ESMTP id [0-9a-z]+\r\n"
        + "\tfor <al@example\\.org>;\r\n"
        + "\t[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n"
        + "(.*)");
    assertThat(stored).endsWith(message);
    assertThat(stored.substring(stored.indexOf("From: Smith"))).isEqualTo(message);
  }

  @Test
  void pipelinedTransactionInOneWriteIsAnsweredInOrder() throws Exception {
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\nMAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\n"
          + "RCPT TO:<nobody@example.test>\r\nRCPT TO:<x@elsewhere.example>\r\nDATA\r\n");
      w.expect("250-.*");
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("550 5\\.1\\.1 .*");
      w.expect("554 5\\.7\\.1 .*");
      w.expect("354 .*");
      w.send("Subject: pipelined\r\n\r\nhi\r\n.\r\nNOOP\r\nQUIT\r\n");
      w.expect("250 2\\.0\\.0 .*");
      w.expect("250 2\\.0\\.0 OK");
      w.expect("221 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob + 1);
  }

  @Test
  void bdatChunksPipelinedInOneWriteDeliverTheConcatenation() throws Exception {
    String part1 = "Subject: chunks\r\n\r\nfirst ";
    String part2 = "second\r\n.\r\nnot an end\r\n";
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-.*");
      w.send("MAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\nBDAT "
          + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2
          + "NOOP\r\n");
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("250 2\\.0\\.0 " + part1.length() + " octets received");
      w.expect("250 2\\.0\\.0 OK: delivered.*");
      w.expect("250 2\\.0\\.0 OK");
    }
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8)).endsWith(part1 + part2);
  }

  @Test
  void aBdatMessageWhoseLastLineIsNotEndedIsStoredEndingInCrlf() throws Exception {
    String body = "Subject: chunked\r\n\r\nno line end";
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-.*");
      w.send("MAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\nBDAT " + body.length() + " LAST\r\n" + body);
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("250 2\\.0\\.0 OK: delivered.*");
    }
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8)).endsWith("\r\n\r\nno line end\r\n");
  }

  @Test
  void aBdatMessageWhoseCrlfIsSplitAcrossChunksGetsNoSecondLineEnd() throws Exception {
    String part1 = "Subject: chunked\r\n\r\nended\r";
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-.*");
      w.send("MAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\nBDAT " + part1.length() + "\r\n" + part1
          + "BDAT 1 LAST\r\n\n");
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("250 2\\.0\\.0 " + part1.length() + " octets received");
      w.expect("250 2\\.0\\.0 OK: delivered.*");
    }
    assertThat(new String(server.lastMessage("bob@example.test"), UTF_8)).endsWith("\r\n\r\nended\r\n");
  }

  @Test
  void starttlsDiscardsPipelinedPlaintextAndForgetsEhlo() throws Exception {
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\n").expect("250-.*250-STARTTLS.*");
      w.send("STARTTLS\r\nMAIL FROM:<evil@bar.example>\r\n").expect("220 2\\.0\\.0 Ready to start TLS");
      w.startTls();
      // the pipelined MAIL was dropped, and EHLO is needed again (RFC 3207 4.2)
      w.send("MAIL FROM:<a@bar.example>\r\n").expect("503 5\\.5\\.1 Send HELO/EHLO first");
      String ehlo = w.send("EHLO bar.example\r\n").expect("250-.*");
      assertThat(ehlo).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN");
      w.send("RCPT TO:<bob@example.test>\r\n").expect("503 5\\.5\\.1 Need MAIL command");
      w.send("STARTTLS\r\n").expect("503 5\\.5\\.1 TLS already active");
      w.send("MAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send("Subject: tls\r\n\r\nhi\r\n.\r\n").expect("250 2\\.0\\.0 .*");
    }
    String stored = new String(server.lastMessage("bob@example.test"), UTF_8);
    assertThat(stored).contains("\r\n\t(using TLSv1.3 with cipher ").contains(" with ESMTPS id ");
  }

  @Test
  void submissionRequiresAuthAndAcceptsPlainWithInitialResponse() throws Exception {
    try (SmtpWire w = submissionOverTls()) {
      w.send("MAIL FROM:<alice@example.test>\r\n").expect("530 5\\.7\\.0 Authentication required");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0wrong") + "\r\n").expect("535 5\\.7\\.8 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("235 2\\.7\\.0 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0x") + "\r\n").expect("503 5\\.5\\.1 .*");
      w.send("MAIL FROM:<bob@example.test>\r\n").expect("553 5\\.7\\.1 .*");
      w.send("MAIL FROM:<al@example.org>\r\n").expect("250 2\\.1\\.0 .*");
      w.send("RCPT TO:<someone@elsewhere.example>\r\n").expect("554 5\\.7\\.1 Relay access denied: no relay route");
      w.send("RCPT TO:<bob@example.test>\r\nDATA\r\n").expect("250 .*");
      w.expect("354 .*");
      w.send("Subject: from alice\r\n\r\nhello bob\r\n.\r\n").expect("250 2\\.0\\.0 .*");
    }
    String stored = new String(server.lastMessage("bob@example.test"), UTF_8);
    assertThat(stored).startsWith("Return-Path: <al@example.org>\r\n")
        .contains("(authenticated sender: alice@example.test)")
        .contains(" with ESMTPSA id ");
  }

  /** Submits {@code message} (CRLF lines, without the final dot) as alice; the stored bytes. */
  private static String submitted(String message) throws Exception {
    try (SmtpWire w = submissionOverTls()) {
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("235 2\\.7\\.0 .*");
      w.send("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send(message + ".\r\n").expect("250 2\\.0\\.0 .*");
    }
    return new String(server.lastMessage("bob@example.test"), UTF_8);
  }

  /**
   * RFC 6409 sections 8.2 and 8.3: the submission server adds the Message-ID: and Date: a
   * submitted message lacks, as Postfix's cleanup does: at the end of the header, the Message-ID
   * random at the server's host name, the Date when the transaction began.
   */
  @Test
  void anAuthenticatedSubmissionWithoutDateAndMessageIdGetsBothAtTheEndOfItsHeader()
      throws Exception {
    String stored = submitted("From: <alice@example.test>\r\nSubject: bare\r\n\r\nhello\r\n");
    assertThat(stored).matches("(?s)Return-Path: .*\r\nReceived: .*"
        + "\r\nFrom: <alice@example\\.test>\r\nSubject: bare\r\n"
        + "Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\r\n"
        + "Message-ID: <[0-9a-f]{32}@mx\\.example\\.test>\r\n\r\nhello\r\n");
    String again = submitted("Subject: bare\r\n\r\nhello\r\n");
    assertThat(messageId(again)).as("a random left side each time").isNotEqualTo(messageId(stored));
  }

  private static String messageId(String message) {
    int at = message.indexOf("Message-ID: <");
    return message.substring(at, message.indexOf('>', at));
  }

  @Test
  void aSubmissionWithItsOwnDateAndMessageIdKeepsThemAndGetsNoOthers() throws Exception {
    String header = "date: Mon, 7 Dec 2026 01:02:03 +0100\r\nMessage-Id : <own@client.example>\r\n"
        + "Subject: complete\r\n";
    String stored = submitted(header + "\r\nhello\r\n");
    assertThat(stored).endsWith("\r\n" + header + "\r\nhello\r\n");
    assertThat(stored).doesNotContain("Date: ").doesNotContain("Message-ID: <");
  }

  @Test
  void aSubmissionThatIsAllHeaderGetsTheMissingFieldsAtItsEnd() throws Exception {
    String stored = submitted("Subject: no body\r\nMessage-ID: <own@client.example>\r\n");
    assertThat(stored).matches("(?s).*\r\nSubject: no body\r\nMessage-ID: <own@client\\.example>\r\n"
        + "Date: [^\r\n]+\r\n");
  }

  /** Mail from another server (port 25) stays as received, apart from the Received: field. */
  @Test
  void mailOnTheMxPortGetsNoDateOrMessageId() throws Exception {
    String message = "Subject: from afar\r\n\r\nhi\r\n";
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\nMAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
      w.expect("250-.*");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("354 .*");
      w.send(message + ".\r\n").expect("250 2\\.0\\.0 .*");
    }
    String stored = new String(server.lastMessage("bob@example.test"), UTF_8);
    assertThat(stored).endsWith("\r\n" + message).doesNotContain("Date:").doesNotContain("Message-ID:");
  }

  @Test
  void authLoginRunsTheChallengesWithAndWithoutInitialResponse() throws Exception {
    try (SmtpWire w = submissionOverTls()) {
      w.send("AUTH LOGIN\r\n").expect("334 VXNlcm5hbWU6");
      w.send(b64("alice@example.test") + "\r\n").expect("334 UGFzc3dvcmQ6");
      w.send(b64("nope") + "\r\n").expect("535 5\\.7\\.8 .*");
      w.send("AUTH LOGIN " + b64("alice@example.test") + "\r\n").expect("334 UGFzc3dvcmQ6");
      w.send("*\r\n").expect("501 5\\.0\\.0 .*");
      w.send("AUTH LOGIN " + b64("alice@example.test") + "\r\n").expect("334 UGFzc3dvcmQ6");
      w.send(b64(SmtpTestServer.ALICE_PASSWORD) + "\r\n").expect("235 2\\.7\\.0 .*");
      w.send("MAIL FROM:<alice@example.test>\r\n").expect("250 .*");
    }
  }

  /** RFC 4954 4: AUTH during a mail transaction is refused with 503, and the transaction stands. */
  @Test
  void authDuringAMailTransactionGets503AndTheTransactionGoesOn() throws Exception {
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = mx()) {
      w.send("EHLO client.example\r\n").expect("250-.*AUTH PLAIN LOGIN.*");
      w.send("MAIL FROM:<someone@elsewhere.example>\r\n").expect("250 2\\.1\\.0 .*");
      w.send("RCPT TO:<bob@example.test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("503 5\\.5\\.1 .*");
      w.send("DATA\r\n").expect("354 .*");
      w.send("Subject: still here\r\n\r\nhi\r\n.\r\n").expect("250 2\\.0\\.0 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("235 2\\.7\\.0 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob + 1);
  }

  @Test
  void overlongAuthResponseGets500AndTheSessionGoesOn() throws Exception {
    try (SmtpWire w = submissionOverTls()) {
      w.send("AUTH LOGIN\r\n").expect("334 VXNlcm5hbWU6");
      w.send("QUJD".repeat(4000) + "\r\n").expect("500 5\\.5\\.6 .*");
      w.send("NOOP\r\n").expect("250 .*");
    }
  }

  @Test
  void authBeforeTlsIsRefusedOutsideThePlaintextNetworks() throws Exception {
    RunningListener strict = server.listener(
        ListenerSpec.of("sub-strict", Protocol.SUBMISSION, new InetSocketAddress("127.0.0.1", 0),
            TlsMode.STARTTLS),
        SmtpServerSettings.defaults(SmtpTestServer.HOST).withPlaintextAuthNetworks(List.of()));
    try (SmtpWire w = new SmtpWire(strict.port())) {
      w.expect("220 .*");
      assertThat(w.send("EHLO c.example\r\n").expect("250-.*")).doesNotContain("AUTH");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("530 5\\.7\\.0 Must issue a STARTTLS command first");
      w.send("AUTH LOGIN\r\n").expect("530 5\\.7\\.0 .*");
      w.send("NOOP\r\n").expect("250 .*");
      w.send("AUTH CRAM-MD5\r\n").expect("530 5\\.7\\.0 .*");
      w.send("STARTTLS\r\n").expect("220 .*");
      w.startTls();
      w.send("EHLO c.example\r\n").expect("250-.*AUTH PLAIN LOGIN");
      w.send("AUTH CRAM-MD5\r\n").expect("504 5\\.5\\.4 .*");
    } finally {
      server.registry.stop("sub-strict", Duration.ZERO).block();
    }
  }

  @Test
  void relayAttemptsAreRefused() throws Exception {
    try (SmtpWire w = mx()) {
      w.send("EHLO bar.example\r\nMAIL FROM:<a@bar.example>\r\n");
      w.expect("250-.*");
      w.expect("250 .*");
      w.send("RCPT TO:<victim@elsewhere.example>\r\n").expect("554 5\\.7\\.1 Relay access denied");
      w.send("RCPT TO:<victim%elsewhere.example@example.test>\r\n").expect("554 5\\.7\\.1 .*");
      w.send("RCPT TO:<elsewhere.example!victim@example.test>\r\n").expect("554 5\\.7\\.1 .*");
      w.send("RCPT TO:<@example.test:victim@elsewhere.example>\r\n").expect("554 5\\.7\\.1 .*");
      w.send("RCPT TO:<\"victim@elsewhere.example\"@example.test>\r\n").expect("554 5\\.7\\.1 .*");
      w.send("RCPT TO:<victim@[192.0.2.1]>\r\n").expect("554 5\\.7\\.1 .*");
      w.send("RCPT TO:<\"bob\"@example.test>\r\n").expect("250 2\\.1\\.5 .*");
    }
  }

  @Test
  void unknownCommandsBadSequenceAndSimpleCommandsGetTheirCodes() throws Exception {
    try (SmtpWire w = mx()) {
      w.send("FOO bar\r\n").expect("500 5\\.5\\.1 .*");
      w.send("MAIL FROM:<a@bar.example>\r\n").expect("503 5\\.5\\.1 .*");
      w.send("HELO bar.example\r\n").expect("250 mx\\.example\\.test");
      w.send("DATA\r\n").expect("503 5\\.5\\.1 Need MAIL command");
      w.send("MAIL FROM:<a@bar.example>\r\n").expect("250 .*");
      w.send("MAIL FROM:<a@bar.example>\r\n").expect("503 5\\.5\\.1 Nested MAIL command");
      w.send("DATA\r\n").expect("554 5\\.5\\.1 No valid recipients");
      w.send("RSET\r\n").expect("250 2\\.0\\.0 OK");
      w.send("RCPT TO:<bob@example.test>\r\n").expect("503 5\\.5\\.1 .*");
      w.send("VRFY bob\r\n").expect("252 2\\.5\\.0 .*");
      w.send("HELP\r\n").expect("214-.*\n214 2\\.0\\.0 See RFC 5321");
      w.send("NOOP\r\n").expect("250 2\\.0\\.0 OK");
      w.send("MAIL FROM:<a@bar.example> RET=FULL\r\n").expect("555 5\\.5\\.4 .*");
      w.send("X".repeat(1200) + "\r\n").expect("500 5\\.5\\.6 Line too long");
      w.send("NOOP\r\n").expect("250 2\\.0\\.0 OK");
      w.send("QUIT\r\n").expect("221 .*");
    }
  }

  @Test
  void tooManyErrorsEndTheSessionWith421() throws Exception {
    try (SmtpWire w = mx()) {
      StringBuilder junk = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        junk.append("BOGUS ").append(i).append("\r\n");
      }
      w.send(junk.toString());
      for (int i = 0; i < 9; i++) {
        w.expect("500 5\\.5\\.1 .*");
      }
      w.expect("(500 5\\.5\\.1 .*\n)?421 4\\.7\\.0 .*");
      String rest = "";
      try {
        rest = w.reply();
      } catch (java.io.IOException closed) {
        // expected: nothing more
      }
      assertThat(rest).isEmpty();
    }
  }

  @Test
  void tooManyRecipientsGet452AndTheOthersAreDelivered() throws Exception {
    RunningListener few = server.listener(
        ListenerSpec.of("smtp-few", Protocol.SMTP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE),
        SmtpServerSettings.defaults(SmtpTestServer.HOST).withMaxRecipients(2));
    try (SmtpWire w = new SmtpWire(few.port())) {
      w.expect("220 .*");
      w.send("EHLO a.example\r\nMAIL FROM:<a@bar.example>\r\nRCPT TO:<bob@example.test>\r\n"
          + "RCPT TO:<alice@example.test>\r\nRCPT TO:<postmaster@example.test>\r\n");
      w.expect("250-.*");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("452 4\\.5\\.3 Too many recipients");
      assertThat(w.send("EHLO a.example\r\n").expect("250-.*")).doesNotContain("STARTTLS");
    } finally {
      server.registry.stop("smtp-few", Duration.ZERO).block();
    }
  }

  @Test
  void preLoginTimeoutSays421AndCloses() throws Exception {
    RunningListener slow = server.listener(
        ListenerSpec.of("smtp-timeout", Protocol.SMTP, new InetSocketAddress("127.0.0.1", 0),
            TlsMode.NONE).withTimeouts(Duration.ofMillis(300), Duration.ofMinutes(5)),
        SmtpServerSettings.defaults(SmtpTestServer.HOST));
    try (SmtpWire w = new SmtpWire(slow.port())) {
      w.expect("220 .*");
      w.send("EHLO a.example\r\n").expect("250-.*");
      w.expect("421 4\\.4\\.2 .*");
      assertThat(w.closedByServer()).isTrue();
    } finally {
      server.registry.stop("smtp-timeout", Duration.ZERO).block();
    }
  }
}
