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
   * The POP3 codec queues at most 32 pipelined commands (Pop3Limits.maxPipelinedCommands); the
   * rest of a longer pipeline waits in its buffer until earlier ones are answered (RFC 2449
   * PIPELINING), so a big flood is answered in full, as Dovecot answers it, and memory stays bound.
   */
  @Test
  @Case(on = "pop3", input = "after login, 5,000 NOOPs and QUIT in one write",
      expect = "5,000 +OK in order, then QUIT answered; the user logs in again at once")
  void aPipelinedFloodBeyondTheLimitIsAnsweredInFull(Observed seen) {
    int n = 5000;
    try (Wire w = loggedIn()) {
      w.send("NOOP\r\n".repeat(n) + "QUIT\r\n");
      String all = w.readUntilClosed();
      long ok = all.lines().filter(l -> l.startsWith("+OK")).count();
      String last = all.lines().reduce((a, b) -> b).orElse("");
      seen.saw(ok + " x +OK, last: " + last);
      assertThat(all.lines()).allMatch(l -> l.startsWith("+OK"));
      assertThat(ok).isEqualTo(n + 1L);
      assertThat(last).contains("signing off");
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
