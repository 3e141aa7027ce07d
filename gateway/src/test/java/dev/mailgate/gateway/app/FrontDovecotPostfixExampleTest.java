package dev.mailgate.gateway.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.interop.Pop3Retrievers;
import dev.mailgate.gateway.smtp.SmtpWire;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/front-dovecot-postfix.yaml} as the README runs it, in front of the interop
 * harness's real Dovecot and Postfix, driven by Angus Mail: submission with STARTTLS and AUTH
 * (passed through to Postfix, which asks Dovecot), SMTPS, port-25 relaying to the accepted domain
 * only, and the message read back through the gateway's IMAPS, IMAP+STARTTLS, POP3S and POP3+STLS
 * byte for byte.
 */
@ExtendWith(MailServersExtension.class)
class FrontDovecotPostfixExampleTest {

  private static final Path EXAMPLE = Path.of("..", "examples", "front-dovecot-postfix.yaml");

  @TempDir static Path data;
  static MailgateApp app;
  static int offset;

  @BeforeAll
  static void start(MailServers servers) throws Exception {
    offset = FreePorts.offsetFor(FreePorts.EMBEDDED);
    Map<String, String> env = Map.of(
        "MAILGATE_DATA", data.toString(),
        "DOVECOT_HOST", "127.0.0.1",
        "DOVECOT_IMAP_PORT", Integer.toString(servers.imapPort()),
        "DOVECOT_POP3_PORT", Integer.toString(servers.pop3Port()),
        "POSTFIX_HOST", "127.0.0.1",
        "POSTFIX_SMTP_PORT", Integer.toString(servers.smtpPort()),
        "POSTFIX_SUBMISSION_PORT", Integer.toString(servers.submissionPort()),
        "BACKEND_CA_FILE", servers.caFile().toString(),
        "ACCEPTED_DOMAINS", "example.test");
    app = MailgateApp.start(new AppOptions(Optional.of(EXAMPLE), env, offset, Duration.ofSeconds(5), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void submissionWithStarttlsAndAuthPlainArrivesAndReadsBackByteForByteOverImapsAndPop3s() throws Exception {
    String subject = "submission " + UUID.randomUUID();
    MimeMessage sent = message(MailServers.ALICE.address(), MailServers.BOB.address(), subject);
    Transport.send(sent, MailServers.ALICE.address(), MailServers.ALICE.password());

    byte[] viaImap = awaitImap("imaps", 3993, MailServers.BOB, subject);
    assertThat(new String(viaImap, java.nio.charset.StandardCharsets.UTF_8)).contains("Subject: " + subject)
        // relayed dot-stuffed as the client sent it; Postfix unstuffed it back to one dot
        .contains("\r\nfirst line\r\n.a line starting with a dot\r\nlast line\r\n");
    byte[] viaImapStarttls = fetchImap("imap", 3143, MailServers.BOB, subject);
    assertThat(viaImapStarttls).isEqualTo(viaImap);
    assertThat(fetchPop3("pop3s", 3995, MailServers.BOB, subject)).isEqualTo(viaImap);
    assertThat(fetchPop3("pop3", 3110, MailServers.BOB, subject)).isEqualTo(viaImap);
  }

  @Test
  void smtpsWithAuthLoginIsRelayedToPostfixSubmission() throws Exception {
    String subject = "smtps " + UUID.randomUUID();
    Properties p = smtpProperties("smtps", 3465);
    p.put("mail.smtps.auth.mechanisms", "LOGIN");
    Session session = Session.getInstance(p);
    MimeMessage m = message(session, MailServers.BOB.address(), MailServers.ALICE.address(), subject);
    try (Transport t = session.getTransport("smtps")) {
      t.connect("127.0.0.1", 3465 + offset, MailServers.BOB.address(), MailServers.BOB.password());
      t.sendMessage(m, m.getAllRecipients());
    }
    assertThat(awaitImap("imaps", 3993, MailServers.ALICE, subject)).isNotEmpty();
  }

  @Test
  void aWrongPasswordOnSubmissionIsRefusedAndNothingIsSent() throws Exception {
    Properties p = smtpProperties("smtp", 3587);
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport("smtp")) {
      assertThatThrownBy(() -> t.connect("127.0.0.1", 3587 + offset, MailServers.ALICE.address(), "wrong"))
          .isInstanceOf(AuthenticationFailedException.class)
          .hasMessageContaining("535");
    }
  }

  @Test
  void portTwentyFiveRelaysToTheAcceptedDomainAndRefusesOthers() throws Exception {
    String subject = "mx " + UUID.randomUUID();
    Properties p = smtpProperties("smtp", 3025);
    p.put("mail.smtp.auth", "false");
    Session session = Session.getInstance(p);
    MimeMessage m = message(session, "stranger@elsewhere.example", MailServers.ALICE.address(), subject);
    Transport.send(m);
    assertThat(awaitImap("imaps", 3993, MailServers.ALICE, subject)).isNotEmpty();

    MimeMessage open = message(session, "stranger@elsewhere.example", "victim@foreign.example", "relay?");
    assertThatThrownBy(() -> Transport.send(open))
        .isInstanceOf(MessagingException.class)
        .hasStackTraceContaining("554 5.7.1");
  }

  @Test
  void aWrongImapPasswordIsRefusedAndTheNextLoginWorks() throws Exception {
    Store store = Session.getInstance(imapProperties("imaps")).getStore("imaps");
    assertThatThrownBy(() -> store.connect("127.0.0.1", 3993 + offset, MailServers.ALICE.address(), "nope"))
        .isInstanceOf(AuthenticationFailedException.class);
    store.connect("127.0.0.1", 3993 + offset, MailServers.ALICE.address(), MailServers.ALICE.password());
    try {
      assertThat(store.getDefaultFolder().list("*")).extracting(Folder::getName).contains("INBOX");
    } finally {
      store.close();
    }
  }

  @Test
  void swaksSubmitsWithStarttlsAndAuthLoginAndCurlReadsItBackOverImapsAndPop3s() throws Exception {
    String subject = "swaks " + UUID.randomUUID();
    String out = run("swaks", "--server", "127.0.0.1", "--port", Integer.toString(3587 + offset), "--tls",
        "--auth", "LOGIN", "--auth-user", MailServers.ALICE.address(),
        "--auth-password", MailServers.ALICE.password(),
        "--from", MailServers.ALICE.address(), "--to", MailServers.BOB.address(),
        "--header", "Subject: " + subject, "--body", "Hello from swaks through mailgate",
        "--helo", "swaks.example", "--timeout", "30");
    // the 250 after the message is Postfix's own (queued as ...), relayed by the gateway
    assertThat(out).contains("<-  220 ").contains("235 ").contains("queued as");
    byte[] viaAngus = awaitImap("imaps", 3993, MailServers.BOB, subject);

    String url = "imaps://127.0.0.1:" + (3993 + offset) + "/INBOX";
    String search = run("curl", "-sS", "--max-time", "20", "-k", "-u", bobCredentials(), url,
        "-X", "UID SEARCH SUBJECT \"" + subject + "\"");
    String uid = search.replaceAll("(?s).*SEARCH ([0-9]+).*", "$1").trim();
    assertThat(uid).matches("[0-9]+");
    String viaCurl = run("curl", "-sS", "--max-time", "20", "-k", "-u", bobCredentials(), url + ";UID=" + uid);
    assertThat(viaCurl.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(viaAngus);

    String list = run("curl", "-sS", "--max-time", "20", "-k", "-u", bobCredentials(),
        "pop3s://127.0.0.1:" + (3995 + offset) + "/");
    assertThat(list).matches("(?s)(\\d+ \\d+\r?\n)+");
  }

  /**
   * The POP3 retrievers administrators run, through the gateway's POP3S in front of Dovecot with
   * the gateway's generated certificate checked: fetchmail leaves the mail (keep), then getmail6
   * gets the same message.
   */
  @Test
  void fetchmailAndGetmailRetrieveThroughThePop3sProxy() throws Exception {
    String subject = "retrievers " + UUID.randomUUID();
    run("swaks", "--server", "127.0.0.1", "--port", Integer.toString(3587 + offset), "--tls",
        "--auth", "PLAIN", "--auth-user", MailServers.ALICE.address(),
        "--auth-password", MailServers.ALICE.password(),
        "--from", MailServers.ALICE.address(), "--to", MailServers.BOB.address(),
        "--header", "Subject: " + subject, "--body", ".a line that starts with a dot\nend",
        "--helo", "swaks.example", "--timeout", "30");
    awaitImap("imaps", 3993, MailServers.BOB, subject);
    Path work = Files.createTempDirectory(data, "retrievers");
    Pop3Retrievers.Account bob = new Pop3Retrievers.Account("127.0.0.1", 3995 + offset,
        MailServers.BOB.address(), MailServers.BOB.password(), data.resolve("tls").resolve("selfsigned-cert.pem"));
    Pop3Retrievers retrievers = new Pop3Retrievers(work);

    Path fetched = work.resolve("fetchmail.mbox");
    Pop3Retrievers.Run fetchmail = retrievers.fetchmail(bob, fetched, true);
    assertThat(fetchmail.exit()).as(fetchmail.output()).isZero();
    assertThat(Files.readString(fetched)).contains("Subject: " + subject);
    assertThat(Files.readString(fetched).lines()).contains(".a line that starts with a dot");

    Path got = work.resolve("getmail.mbox");
    Pop3Retrievers.Run getmail = retrievers.getmail(bob, got, true);
    assertThat(getmail.exit()).as(getmail.output()).isZero();
    assertThat(Files.readString(got)).contains("Subject: " + subject);
  }

  @Test
  void implicitTlsSessionsAreResumed() throws Exception {
    Path session = data.resolve("tls-session.pem");
    String connect = "127.0.0.1:" + (3993 + offset);
    String first = run("sh", "-c", "echo | openssl s_client -connect " + connect
        + " -tls1_2 -sess_out " + session + " 2>&1");
    assertThat(first).contains("* OK").contains("New, TLSv1.2");
    String second = run("sh", "-c", "echo | openssl s_client -connect " + connect
        + " -tls1_2 -sess_in " + session + " 2>&1");
    assertThat(second).contains("Reused, TLSv1.2");
  }

  private static String bobCredentials() {
    return MailServers.BOB.address() + ":" + MailServers.BOB.password();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }

  // ---- clients -------------------------------------------------------------------------------------

  private static Properties smtpProperties(String protocol, int basePort) {
    Properties p = new Properties();
    String k = "mail." + protocol + ".";
    p.put(k + "host", "127.0.0.1");
    p.put(k + "port", Integer.toString(basePort + offset));
    p.put(k + "auth", "true");
    p.put(k + "starttls.enable", "true");
    p.put(k + "starttls.required", Boolean.toString(protocol.equals("smtp") && basePort != 3025));
    p.put(k + "ssl.trust", "*");
    p.put(k + "ssl.checkserveridentity", "false");
    p.put(k + "timeout", "20000");
    p.put(k + "connectiontimeout", "10000");
    return p;
  }

  private static Properties imapProperties(String protocol) {
    Properties p = new Properties();
    String k = "mail." + protocol + ".";
    p.put(k + "ssl.trust", "*");
    p.put(k + "ssl.checkserveridentity", "false");
    p.put(k + "starttls.enable", "true");
    p.put(k + "starttls.required", Boolean.toString(protocol.equals("imap") || protocol.equals("pop3")));
    p.put(k + "timeout", "20000");
    return p;
  }

  private static MimeMessage message(String from, String to, String subject) throws MessagingException {
    return message(Session.getInstance(smtpProperties("smtp", 3587)), from, to, subject);
  }

  private static MimeMessage message(Session session, String from, String to, String subject)
      throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(from));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject(subject);
    m.setText("first line\r\n.a line starting with a dot\r\nlast line\r\n");
    return m;
  }

  private static byte[] awaitImap(String protocol, int basePort, MailServers.User user, String subject) {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .ignoreExceptions()
        .until(() -> fetchImap(protocol, basePort, user, subject), b -> b != null);
  }

  private static byte[] fetchImap(String protocol, int basePort, MailServers.User user, String subject)
      throws Exception {
    Store store = Session.getInstance(imapProperties(protocol)).getStore(protocol);
    store.connect("127.0.0.1", basePort + offset, user.address(), user.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message[] found = inbox.search(new SubjectTerm(subject));
      if (found.length == 0) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      found[0].writeTo(out);
      inbox.close(false);
      return out.toByteArray();
    } finally {
      store.close();
    }
  }

  private static byte[] fetchPop3(String protocol, int basePort, MailServers.User user, String subject)
      throws Exception {
    Store store = Session.getInstance(imapProperties(protocol)).getStore(protocol);
    store.connect("127.0.0.1", basePort + offset, user.address(), user.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      for (Message m : inbox.getMessages()) {
        if (subject.equals(m.getSubject())) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          m.writeTo(out);
          inbox.close(false);
          return out.toByteArray();
        }
      }
      inbox.close(false);
      return null;
    } finally {
      store.close();
    }
  }

  /**
   * RFC 2920: every pipelined command gets its reply, in order, however many come in one write; the
   * gateway holds what it has not answered yet in the socket rather than cutting the flood.
   */
  @Test
  void aFiveThousandCommandFloodInOneWriteIsAnsweredInFullAndInOrderThroughTheProxy() throws Exception {
    int rcpts = 1500;
    int tail = 5000 - 2 - rcpts; // MAIL, the RCPTs, RSET, then NOOP and HELP in turn
    StringBuilder flood = new StringBuilder("MAIL FROM:<stranger@elsewhere.example>\r\n");
    for (int i = 0; i < rcpts; i++) {
      flood.append("RCPT TO:<").append(MailServers.ALICE.address()).append(">\r\n");
    }
    flood.append("RSET\r\n");
    for (int i = 0; i < tail; i++) {
      flood.append(i % 2 == 0 ? "NOOP\r\n" : "HELP\r\n");
    }
    try (SmtpWire c = new SmtpWire(3025 + offset)) {
      c.expect("220 .*");
      c.send("EHLO client.example\r\n").expect("250.*PIPELINING.*");
      c.send(flood.append("QUIT\r\n").toString());
      c.expect("250 .*");
      int accepted = 0;
      for (int i = 0; i < rcpts; i++) {
        // Postfix takes 1,000 recipients per message (smtpd_recipient_limit), then says 452
        if (c.expect("(250|452) .*").startsWith("250")) {
          accepted++;
        }
      }
      assertThat(accepted).isPositive();
      c.expect("250 .*"); // RSET
      for (int i = 0; i < tail; i++) {
        c.expect(i % 2 == 0 ? "250 .*" : "214.*");
      }
      c.expect("221 .*");
    }
  }

  // What the SMTP proxy advertises in EHLO whatever the backend supports (SMTPUTF8, OAUTHBEARER,
  // XOAUTH2): the interop Postfix has smtputf8_enable = no and offers only PLAIN and LOGIN, so the
  // client must get the standard refusal, and the session must stay usable.

  @Test
  void smtputf8TowardsABackendWithoutItIsRefusedWith553And567AndTheSessionGoesOn(MailServers servers)
      throws Exception {
    String subject = "after-utf8 " + UUID.randomUUID();
    try (SmtpWire c = new SmtpWire(3025 + offset)) {
      c.expect("220 .*");
      c.send("EHLO client.example\r\n").expect("250.*SMTPUTF8.*");
      c.send("MAIL FROM:<jörg@elsewhere.example> SMTPUTF8\r\n").expect("250 .*");
      c.send("RCPT TO:<" + MailServers.ALICE.address() + ">\r\n").expect("553 5\\.6\\.7 .*");
      c.send("DATA\r\n").expect("5[05]4 .*");
      c.send("RSET\r\n").expect("250 .*");
      c.send("MAIL FROM:<stranger@elsewhere.example>\r\n").expect("250 .*");
      c.send("RCPT TO:<" + MailServers.ALICE.address() + ">\r\n").expect("250 .*");
      c.send("DATA\r\n").expect("354 .*");
      c.send("Subject: " + subject + "\r\n\r\nplain ASCII\r\n.\r\n").expect("250 .*queued as.*");
      c.send("QUIT\r\n").expect("221 .*");
    }
    assertThat(Files.readString(servers.postfixLog())).doesNotContain("jörg");
  }

  @Test
  void oauthbearerTowardsABackendWithoutItIsAnUnsupportedMechanismNotATemporaryFailure() throws Exception {
    String token = "n,a=" + MailServers.ALICE.address() + ",\u0001host=localhost\u0001port=3587\u0001"
        + "auth=Bearer ya29.some-token\u0001\u0001";
    String plain = "\0" + MailServers.ALICE.address() + "\0" + MailServers.ALICE.password();
    try (SmtpWire c = new SmtpWire(3587 + offset)) {
      c.expect("220 .*");
      c.send("EHLO client.example\r\n").expect("250.*AUTH .*OAUTHBEARER.*");
      c.send("AUTH OAUTHBEARER " + Base64.getEncoder().encodeToString(token.getBytes(UTF_8)) + "\r\n")
          .expect("504 5\\.5\\.4 .*");
      c.send("AUTH XOAUTH2 " + Base64.getEncoder().encodeToString(
              ("user=" + MailServers.ALICE.address() + "\u0001auth=Bearer ya29.x\u0001\u0001").getBytes(UTF_8)) + "\r\n")
          .expect("504 5\\.5\\.4 .*");
      c.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(plain.getBytes(UTF_8)) + "\r\n")
          .expect("235 .*");
      c.send("QUIT\r\n").expect("221 .*");
    }
  }
}
