package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile POP3 input against the running gateway's local POP3 listeners: each case gets an
 * {@code -ERR}, the session carries on, and a fresh client is served afterwards. Sessions that log
 * in end with QUIT, so the maildrop lock is released for the next case.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class Pop3BadInputTest {
  private final RunningGateway gw;

  Pop3BadInputTest(RunningGateway gw) {
    this.gw = gw;
  }

  private Wire greeted(String listener) {
    Wire w = listener.equals("pop3s") ? Wire.implicitTls(gw.port(listener)) : Wire.connect(gw.port(listener));
    w.expect("\\+OK.*");
    return w;
  }

  @AfterEach
  void aFreshClientIsServed() {
    try (Wire w = greeted("pop3")) {
      w.line("CAPA").expect("\\+OK.*");
      w.expectEventually("\\.", 30);
    }
  }

  @Test
  @Case(on = "pop3", input = "5,000-byte command line", expect = "-ERR, session usable")
  void anOverlongLineGetsErrAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("pop3")) {
      w.line("USER " + "x".repeat(5000));
      seen.saw(w.expect("-ERR.*"));
      w.line("CAPA").expect("\\+OK.*");
      w.expectEventually("\\.", 30);
    }
  }

  @Test
  @Case(on = "pop3", input = "NUL inside USER, then 8-bit junk as a command", expect = "-ERR for each, session usable")
  void nulAndEightBitJunkGetErrAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("pop3")) {
      w.send("USER al\0ice\r\n");
      seen.saw(w.expect("-ERR.*"));
      byte[] junk = new byte[128];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = (byte) (0x80 + i);
      }
      w.send(junk).send("\r\n");
      seen.saw(w.expect("-ERR.*"));
      w.line("CAPA").expect("\\+OK.*");
      w.expectEventually("\\.", 30);
    }
  }

  @Test
  @Case(on = "pop3", input = "25 junk commands in one write", expect = "-ERR each; the session is closed after repeated errors")
  void repeatedProtocolErrorsEndTheSession(Observed seen) {
    try (Wire w = greeted("pop3")) {
      w.send("XYZZY\r\n".repeat(25));
      String all = w.readUntilClosed();
      seen.saw(all.lines().filter(l -> l.startsWith("-ERR")).count() + " x -ERR, last: "
          + all.lines().reduce((a, b) -> b).orElse(""));
      assertThat(all.lines().count()).isLessThan(25);
    }
  }

  @Test
  @Case(on = "pop3", input = "after login, 30 NOOPs and QUIT in one write", expect = "30 +OK, then QUIT answered")
  void aPipelinedNoopFloodWithinThePipeliningLimitIsAnsweredInFull(Observed seen) {
    int n = 30; // Pop3Limits.DEFAULTS.maxPipelinedCommands() is 32
    try (Wire w = loggedIn()) {
      w.send("NOOP\r\n".repeat(n) + "QUIT\r\n");
      int ok = 0;
      for (int i = 0; i < n; i++) {
        if (w.readLine().startsWith("+OK")) {
          ok++;
        }
      }
      String quit = w.readLine();
      seen.saw(ok + " x +OK, then " + quit);
      assertThat(ok).isEqualTo(n);
      assertThat(quit).startsWith("+OK");
    }
  }

  /**
   * The POP3 codec queues at most 32 pipelined commands (Pop3Limits.maxPipelinedCommands); each
   * read beyond that is cut with -ERR [SYS/TEMP] and counts as a protocol error, so a big flood ends
   * the session after 10 errors instead of being answered in full (reported in
   * docs/reliability.md). The maildrop lock is released: the user logs in again at once.
   */
  @Test
  @Case(on = "pop3", input = "after login, 5,000 NOOPs in one write",
      expect = "+OK or -ERR [SYS/TEMP] (more than 32 queued) per line; all answered or cut with -ERR after 10 errors; the user logs in again at once")
  void aPipelinedFloodBeyondTheLimitIsCutAndEndsTheSession(Observed seen) {
    int n = 5000;
    try (Wire w = loggedIn()) {
      w.send("NOOP\r\n".repeat(n));
      String all = w.readUntilClosed();
      long ok = all.lines().filter(l -> l.startsWith("+OK")).count();
      long cut = all.lines().filter(l -> l.startsWith("-ERR [SYS/TEMP]")).count();
      String last = all.lines().reduce((a, b) -> b).orElse("");
      seen.saw(ok + " x +OK, " + cut + " x -ERR [SYS/TEMP], last: " + last);
      assertThat(all.lines()).allMatch(l -> l.startsWith("+OK") || l.startsWith("-ERR"));
      assertThat(ok).isBetween(1L, (long) n);
      // how much of the flood one read carries depends on the machine: either every NOOP was
      // answered, or the session was cut with an -ERR; never a silent close or a hang. When the
      // server closes with our flood still unread, its kernel sends a reset, and ours may drop the
      // closing -ERR before it is read (seen twice in package runs): a reset counts as cut.
      assertThat(ok == n || last.startsWith("-ERR") || w.wasReset())
          .as("all answered or cut with -ERR: " + last).isTrue();
    }
    try (Wire again = loggedIn()) {
      again.line("QUIT").expect("\\+OK.*");
    }
  }

  private Wire loggedIn() {
    Wire w = greeted("pop3");
    w.line("USER " + RunningGateway.USER).expect("\\+OK.*");
    w.line("PASS " + RunningGateway.PASSWORD).expect("\\+OK.*");
    return w;
  }

  @Test
  @Case(on = "pop3", input = "STLS and USER pipelined in one write", expect = "the plaintext USER is discarded: PASS after TLS gets -ERR")
  void stlsDiscardsPipelinedPlaintext(Observed seen) {
    try (Wire w = greeted("pop3")) {
      w.send("STLS\r\nUSER " + RunningGateway.USER + "\r\n");
      w.expect("\\+OK.*");
      w.startTls();
      w.line("PASS " + RunningGateway.PASSWORD);
      seen.saw(w.expect("-ERR.*"));
      w.line("QUIT").expect("\\+OK.*");
    }
  }

  @Test
  @Case(on = "pop3s", input = "AUTH PLAIN with invalid base64 (continuation and initial response), '*' cancel, wrong password",
      expect = "-ERR each ([AUTH] for the wrong password), then a correct AUTH in the same session gets +OK")
  void malformedSaslGetsErrAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("pop3s")) {
      w.line("AUTH PLAIN");
      w.expect("\\+ ?.*");
      w.line("!!!not*base64!!!");
      seen.saw(w.expect("-ERR.*"));
      w.line("AUTH PLAIN %%%junk%%%");
      seen.saw(w.expect("-ERR.*"));
      w.line("AUTH PLAIN");
      w.expect("\\+ ?.*");
      w.line("*");
      seen.saw(w.expect("-ERR.*"));
      w.line("AUTH PLAIN " + SmtpBadInputTest.b64("\0" + RunningGateway.USER + "\0" + RunningGateway.WRONG_PASSWORD));
      seen.saw(w.expect("-ERR \\[AUTH\\].*"));
      w.line("AUTH PLAIN " + SmtpBadInputTest.b64("\0" + RunningGateway.USER + "\0" + RunningGateway.PASSWORD));
      seen.saw(w.expect("\\+OK.*"));
      w.line("QUIT").expect("\\+OK.*");
    }
  }
}
