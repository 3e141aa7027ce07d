package dev.mailgate.gateway.local.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.pop3.Pop3TestClient;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local POP3 server over real sockets, against SqliteMailStore and UserStore. */
class LocalPop3ServerTest {

  static final String M1 = "From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n";
  static final String M2 = "From: b@example.org\r\nSubject: two\r\n\r\nline 1\r\n.dot line\r\nline 3\r\n";

  static LocalPop3Fixture fx;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    port = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static Pop3TestClient login(String user) throws Exception {
    Pop3TestClient c = new Pop3TestClient(port);
    c.transcript("""
        S: \\+OK pop\\.example\\.org POP3 ready
        C: USER %s
        S: \\+OK.*
        C: PASS %s
        S: \\+OK maildrop has \\d+ messages \\(\\d+ octets\\)
        """.formatted(user, LocalPop3Fixture.PASSWORD));
    return c;
  }

  /**
   * A message an IMAP session expunged after the maildrop was opened: RETR and TOP answer -ERR
   * before any +OK (the +OK waits for the store's first chunk), and the session goes on.
   */
  @Test
  void retrOfAMessageExpungedByAnotherSessionAnswersErrAndTheSessionGoesOn() throws Exception {
    String user = fx.user("gone", M1, M2);
    try (Pop3TestClient c = login(user)) {
      MailboxId inbox = fx.inbox(user).id();
      long first = fx.store.messages(inbox, UidSet.all()).blockFirst(Duration.ofSeconds(10)).uid();
      // the other session, on the JUnit thread between two commands of this one
      fx.store.store(inbox, UidSet.of(first), FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
          .then(fx.store.expunge(inbox, UidSet.of(first))).block(Duration.ofSeconds(10));
      c.transcript("""
          C: RETR 1
          S: -ERR message 1 was deleted by another session
          C: TOP 1 0
          S: -ERR message 1 was deleted by another session
          C: RETR 2
          S: \\+OK %d octets
          S: From: b@example.org
          S: Subject: two
          S:
          S: line 1
          S: \\.\\.dot line
          S: line 3
          S: \\.
          C: NOOP
          S: \\+OK.*
          """.formatted(M2.length()));
    }
  }

  /**
   * Each such -ERR frees its command's pipelining slot: more of them than the codec queues (32)
   * still leave the session answering.
   */
  @Test
  void manyRetrsOfAnExpungedMessageStillLeaveTheSessionAnswering() throws Exception {
    String user = fx.user("gone-many", M1, M2);
    try (Pop3TestClient c = login(user)) {
      MailboxId inbox = fx.inbox(user).id();
      long first = fx.store.messages(inbox, UidSet.all()).blockFirst(Duration.ofSeconds(10)).uid();
      fx.store.store(inbox, UidSet.of(first), FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
          .then(fx.store.expunge(inbox, UidSet.of(first))).block(Duration.ofSeconds(10));
      for (int i = 0; i < 40; i++) {
        assertThat(c.command("RETR 1")).isEqualTo("-ERR message 1 was deleted by another session");
      }
      assertThat(c.command("NOOP")).startsWith("+OK");
    }
  }

  /** The POP3 counterpart of IMAP's "* BYE" autologout, before login. */
  @Test
  void preLoginTimeoutSaysErrThenCloses() throws Exception {
    int shortLived = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS,
        Duration.ofMillis(500), Duration.ofMinutes(10));
    try (Pop3TestClient c = new Pop3TestClient(shortLived)) {
      assertThat(c.line()).isEqualTo("+OK pop.example.org POP3 ready");
      assertThat(c.line()).isEqualTo("-ERR Disconnected for inactivity");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  /** RFC 1939 section 3: an autologout closes "without ... sending any response to the client". */
  @Test
  void idleTimeoutAfterLoginClosesWithoutAReplyAndDeletesNothing() throws Exception {
    int shortLived = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS,
        Duration.ofMinutes(10), Duration.ofMillis(500));
    String user = fx.user("idle", M1);
    try (Pop3TestClient c = new Pop3TestClient(shortLived)) {
      c.transcript("""
          S: \\+OK pop\\.example\\.org POP3 ready
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK maildrop has 1 messages .*
          C: DELE 1
          S: \\+OK message 1 deleted
          """.formatted(user, LocalPop3Fixture.PASSWORD));
      assertThat(c.line()).isNull();
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void rfc1939ExampleSessionRetrievesAndDeletesAtQuit() throws Exception {
    String user = fx.user("rfc", M1, M2);
    try (Pop3TestClient c = login(user)) {
      c.transcript("""
          C: STAT
          S: \\+OK 2 %d
          C: LIST
          S: \\+OK 2 messages \\(%d octets\\)
          S: 1 %d
          S: 2 %d
          S: \\.
          C: RETR 1
          S: \\+OK %d octets
          S: From: a@example.org
          S: Subject: one
          S:
          S: first body
          S: \\.
          C: DELE 1
          S: \\+OK message 1 deleted
          C: RETR 2
          S: \\+OK .*
          S: From: b@example.org
          S: Subject: two
          S:
          S: line 1
          S: \\.\\.dot line
          S: line 3
          S: \\.
          C: DELE 2
          S: \\+OK message 2 deleted
          C: QUIT
          S: \\+OK pop\\.example\\.org POP3 server signing off \\(2 messages deleted\\)
          """.formatted(M1.length() + M2.length(), M1.length() + M2.length(), M1.length(), M2.length(), M1.length()));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(fx.messageCount(user)).isZero();
  }

  @Test
  void greetingCarriesNoApopTimestampSinceApopIsRefused() throws Exception {
    // RFC 1939 section 7: a timestamp in the greeting says APOP is implemented; mutt then tries
    // APOP first and shows its failure. The greeting must not promise what the server refuses.
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK pop\\.example\\.org POP3 ready
          C: APOP someone c4c9334bac560ecc979e58001b3e22fb
          S: -ERR \\[AUTH\\] APOP is not supported.*
          C: QUIT
          S: \\+OK.*
          """);
    }
  }

  @Test
  void capaBeforeLoginFromLoopbackOffersUserSaslAndStls() throws Exception {
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.line();
      assertThat(c.command("CAPA")).startsWith("+OK");
      assertThat(c.body()).contains("TOP", "UIDL", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS");
    }
  }

  @Test
  void secondSessionOnTheSameMaildropGetsInUse() throws Exception {
    String user = fx.user("inuse", M1);
    try (Pop3TestClient first = login(user); Pop3TestClient second = new Pop3TestClient(port)) {
      second.transcript("""
          S: \\+OK.*
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: -ERR \\[IN-USE\\] .*
          """.formatted(user, LocalPop3Fixture.PASSWORD));
      first.transcript("""
          C: QUIT
          S: \\+OK.*
          """);
      assertThat(first.closedByServer()).isTrue();
      // the lock is gone with the first session: the second may now log in on the same connection
      second.transcript("""
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK maildrop has 1 messages.*
          """.formatted(user, LocalPop3Fixture.PASSWORD));
    }
  }

  @Test
  void deleTakesEffectOnlyAtQuitAndRsetUndoesIt() throws Exception {
    String user = fx.user("dele", M1, M2);
    try (Pop3TestClient c = login(user)) {
      c.transcript("""
          C: DELE 1
          S: \\+OK.*
          C: DELE 1
          S: -ERR message 1 already deleted
          C: RETR 1
          S: -ERR message 1 already deleted
          C: STAT
          S: \\+OK 1 %d
          C: LIST
          S: \\+OK 1 messages.*
          S: 2 %d
          S: \\.
          C: RSET
          S: \\+OK maildrop has 2 messages.*
          C: DELE 2
          S: \\+OK.*
          """.formatted(M2.length(), M2.length()));
    } // dropped without QUIT: nothing is deleted (RFC 1939 section 6)
    assertThat(fx.messageCount(user)).isEqualTo(2);
    try (Pop3TestClient c = login(user)) {
      c.transcript("""
          C: DELE 2
          S: \\+OK.*
          C: QUIT
          S: \\+OK.*\\(1 messages deleted\\)
          """);
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void uidlIsUidValidityDotUidAndStableAcrossSessions() throws Exception {
    String user = fx.user("uidl", M1, M2);
    long validity = fx.inbox(user).uidValidity();
    try (Pop3TestClient c = login(user)) {
      c.transcript("""
          C: UIDL
          S: \\+OK.*
          S: 1 %d\\.1
          S: 2 %d\\.2
          S: \\.
          C: DELE 1
          S: \\+OK.*
          C: QUIT
          S: \\+OK.*
          """.formatted(validity, validity));
    }
    try (Pop3TestClient c = login(user)) {
      c.transcript("""
          C: UIDL 1
          S: \\+OK 1 %d\\.2
          C: UIDL 2
          S: -ERR no such message
          """.formatted(validity));
    }
  }

  @Test
  void topSendsTheHeaderAndTheFirstBodyLines() throws Exception {
    String user = fx.user("top", M2);
    try (Pop3TestClient c = login(user)) {
      assertThat(c.command("TOP 1 2")).startsWith("+OK");
      assertThat(c.body()).containsExactly("From: b@example.org", "Subject: two", "", "line 1", ".dot line");
      assertThat(c.command("TOP 1 0")).startsWith("+OK");
      assertThat(c.body()).containsExactly("From: b@example.org", "Subject: two", "");
      assertThat(c.command("TOP 1 99")).startsWith("+OK");
      assertThat(c.body()).hasSize(6);
    }
  }

  @Test
  void retrStreamsALargeMessageByteForByte() throws Exception {
    StringBuilder b = new StringBuilder("Subject: big\r\n\r\n");
    for (int i = 0; b.length() < 3_000_000; i++) {
      b.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(" of a large message body\r\n");
    }
    String big = b.toString();
    String user = fx.user("big", big);
    try (Pop3TestClient c = login(user)) {
      assertThat(c.command("RETR 1")).isEqualTo("+OK " + big.length() + " octets");
      List<String> lines = c.body();
      assertThat(String.join("\r\n", lines) + "\r\n").isEqualTo(big);
    }
  }

  @Test
  void badPasswordGetsAuthAndTheSessionStaysUsable() throws Exception {
    String user = fx.user("badpw", M1);
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: USER %s
          S: \\+OK.*
          C: PASS wrong
          S: -ERR \\[AUTH\\] invalid user name or password
          C: USER nobody@example.org
          S: \\+OK.*
          C: PASS wrong
          S: -ERR \\[AUTH\\] .*
          C: STAT
          S: -ERR command not valid before login
          C: PASS %s
          S: -ERR USER first
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK maildrop has 1 messages.*
          """.formatted(user, LocalPop3Fixture.PASSWORD, user, LocalPop3Fixture.PASSWORD));
    }
  }

  /**
   * RFC 2449 PIPELINING: far more commands than the codec queues (32), in one write, are all
   * answered in order, as Dovecot does; none is refused and the DELEs take effect at QUIT.
   */
  @Test
  void aPipelineLongerThanThePipeliningLimitIsAnsweredInFull() throws Exception {
    String user = fx.user("pipe", M1, M2, M1);
    int n = 100;
    StringBuilder pipeline = new StringBuilder();
    for (int i = 0; i < n; i++) {
      pipeline.append("LIST ").append(i % 3 + 1).append("\r\n");
    }
    pipeline.append("DELE 1\r\nDELE 3\r\nSTAT\r\nQUIT\r\n");
    try (Pop3TestClient c = login(user)) {
      c.write(pipeline.toString());
      for (int i = 0; i < n; i++) {
        int m = i % 3 + 1;
        assertThat(c.line()).isEqualTo("+OK " + m + " " + (m == 2 ? M2 : M1).length());
      }
      assertThat(c.line()).isEqualTo("+OK message 1 deleted");
      assertThat(c.line()).isEqualTo("+OK message 3 deleted");
      assertThat(c.line()).isEqualTo("+OK 1 " + M2.length());
      assertThat(c.line()).startsWith("+OK pop.example.org POP3 server signing off");
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void authPlainWithInitialResponseAndAuthLoginWithChallenges() throws Exception {
    String user = fx.user("sasl", M1);
    String plain = b64("\0" + user + "\0" + LocalPop3Fixture.PASSWORD);
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: AUTH PLAIN %s
          S: \\+OK maildrop has 1 messages.*
          C: QUIT
          S: \\+OK.*
          """.formatted(plain));
    }
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: AUTH
          S: \\+OK.*
          S: PLAIN
          S: LOGIN
          S: \\.
          C: AUTH LOGIN
          S: \\+ VXNlcm5hbWU6
          C: %s
          S: \\+ UGFzc3dvcmQ6
          C: %s
          S: \\+OK maildrop has 1 messages.*
          """.formatted(b64(user), b64(LocalPop3Fixture.PASSWORD)));
    }
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: AUTH PLAIN
          S: \\+ ?
          C: *
          S: -ERR authentication cancelled
          C: AUTH PLAIN %s
          S: -ERR \\[AUTH\\].*
          """.formatted(b64("\0" + user + "\0nope")));
    }
  }

  /**
   * RFC 4616 2: a PLAIN authorization identity other than the login is acting as another user,
   * which the local tier does not support (curl --sasl-authzid got in as the login; Dovecot says
   * no, as the local IMAP and SMTP servers do).
   */
  @Test
  void authPlainWithAnotherAuthorizationIdentityIsRefused() throws Exception {
    String user = fx.user("authz", M1);
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.transcript("""
          S: \\+OK.*
          C: AUTH PLAIN %s
          S: -ERR \\[AUTH\\].*
          C: AUTH PLAIN %s
          S: \\+OK maildrop has 1 messages.*
          """.formatted(b64("someone-else\0" + user + "\0" + LocalPop3Fixture.PASSWORD),
              b64(user + "\0" + user + "\0" + LocalPop3Fixture.PASSWORD)));
    }
  }

  @Test
  void aWholeSessionPipelinedInOneWriteIsAnsweredInOrder() throws Exception {
    String user = fx.user("pipe", M1, M2);
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.line();
      c.write("CAPA\r\nUSER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\nSTAT\r\nLIST 2\r\nUIDL 1\r\n"
          + "TOP 1 0\r\nDELE 1\r\nNOOP\r\nBOGUS\r\nQUIT\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.body()).contains("PIPELINING");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK maildrop has 2 messages");
      assertThat(c.line()).isEqualTo("+OK 2 " + (M1.length() + M2.length()));
      assertThat(c.line()).isEqualTo("+OK 2 " + M2.length());
      assertThat(c.line()).matches("\\+OK 1 \\d+\\.1");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.body()).containsExactly("From: a@example.org", "Subject: one", "");
      assertThat(c.line()).isEqualTo("+OK message 1 deleted");
      assertThat(c.line()).isEqualTo("+OK");
      assertThat(c.line()).isEqualTo("-ERR unknown command");
      assertThat(c.line()).endsWith("(1 messages deleted)");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void tooManyErrorsCloseTheSession() throws Exception {
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.line();
      for (int i = 1; i < 10; i++) {
        assertThat(c.command("XYZZY")).isEqualTo("-ERR unknown command");
      }
      assertThat(c.command("XYZZY")).isEqualTo("-ERR too many errors, closing connection");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  /**
   * limits.max_errors counts bad commands (docs/configuration.md): a well-formed command about a
   * message that is missing or already deleted is answered -ERR and is not one, however often.
   */
  @Test
  void missingOrDeletedMessagesAreNotCountedAsErrors() throws Exception {
    String user = fx.user("missing", M1);
    try (Pop3TestClient c = login(user)) {
      assertThat(c.command("DELE 1")).isEqualTo("+OK message 1 deleted");
      for (int i = 0; i < 4; i++) {
        assertThat(c.command("RETR 7")).isEqualTo("-ERR no such message");
        assertThat(c.command("TOP 1 0")).isEqualTo("-ERR message 1 already deleted");
        assertThat(c.command("LIST 7")).isEqualTo("-ERR no such message");
        assertThat(c.command("UIDL 1")).isEqualTo("-ERR message 1 already deleted");
        assertThat(c.command("DELE 1")).isEqualTo("-ERR message 1 already deleted");
      }
      assertThat(c.command("NOOP")).isEqualTo("+OK");
      assertThat(c.command("XYZZY")).isEqualTo("-ERR unknown command"); // still counted, first of ten
      assertThat(c.command("RSET")).startsWith("+OK");
    }
  }

  @Test
  void anOverlongLineIsRefusedAndTheSessionGoesOn() throws Exception {
    try (Pop3TestClient c = new Pop3TestClient(port)) {
      c.line();
      assertThat(c.command("USER " + "x".repeat(300))).isEqualTo("-ERR line too long");
      assertThat(c.command("NOOP")).isEqualTo("+OK");
      c.write("NOOP\n");
      assertThat(c.line()).isEqualTo("-ERR lines must end with CRLF");
    }
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
