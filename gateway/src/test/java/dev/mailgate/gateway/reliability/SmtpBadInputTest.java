package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile SMTP input against the running gateway's MX-style and submission listeners: each case
 * gets PRODUCT.md's standard reply, the session carries on where the contract says it does, and a
 * fresh client is served afterwards.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class SmtpBadInputTest {
  private final RunningGateway gw;

  SmtpBadInputTest(RunningGateway gw) {
    this.gw = gw;
  }

  private Wire greeted(String listener) {
    Wire w = Wire.connect(gw.port(listener));
    w.expectReply("220 .*");
    return w;
  }

  @AfterEach
  void aFreshClientIsServed() {
    try (Wire w = greeted("smtp")) {
      w.line("NOOP").expectReply("250 .*");
    }
  }

  @Test
  @Case(on = "smtp", input = "5,000-byte command line", expect = "500 5.5.6, session usable")
  void anOverlongLineGets500_5_5_6AndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("smtp")) {
      w.line("EHLO " + "x".repeat(5000));
      seen.saw(w.expectReply("500 5\\.5\\.6 .*"));
      w.line("EHLO client.test").expectReply("250.*");
    }
  }

  @Test
  @Case(on = "smtp", input = "1 MB line without CRLF, then CRLF", expect = "one 500 5.5.6 (bytes discarded to the line end), session usable")
  void aMegabyteLineIsDiscardedToItsEndWithOneReply(Observed seen) {
    try (Wire w = greeted("smtp")) {
      byte[] junk = new byte[1 << 20];
      java.util.Arrays.fill(junk, (byte) 'A');
      w.send(junk).send("\r\nNOOP\r\n");
      seen.saw(w.expectReply("500 5\\.5\\.6 .*"));
      seen.saw(w.expectReply("250 .*"));
    }
  }

  @Test
  @Case(on = "smtp", input = "NUL inside a command line", expect = "5xx syntax reply, session usable")
  void aNulInACommandIsRefusedAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("smtp")) {
      w.send("EHLO cli\0ent.test\r\n");
      seen.saw(w.expectReply("50[01] 5\\.5\\.[0-9] .*"));
      w.line("EHLO client.test").expectReply("250.*");
    }
  }

  @Test
  @Case(on = "smtp", input = "8-bit junk bytes 0x80-0xFF as a command", expect = "500 5.5.x, session usable")
  void eightBitJunkIsRefusedAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("smtp")) {
      byte[] junk = new byte[128];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = (byte) (0x80 + i);
      }
      w.send(junk).send("\r\n");
      seen.saw(w.expectReply("50[01] 5\\.5\\.[0-9] .*"));
      w.line("NOOP").expectReply("250 .*");
    }
  }

  @Test
  @Case(on = "smtp", input = "MAIL with a bare LF before RCPT, then with a bare CR",
      expect = "a bare LF or CR ends no command: one 500 5.5.2 per CRLF line, nothing executed")
  void aBareLineEndingEndsNoCommandAndTheLineIsRefused(Observed seen) {
    try (Wire w = greeted("smtp")) {
      w.line("EHLO client.test").expectReply("250.*");
      w.send("MAIL FROM:<a@elsewhere.test>\nRCPT TO:<" + RunningGateway.USER + ">\r\n");
      seen.saw(w.expectReply("500 5\\.5\\.2 .*"));
      w.send("MAIL FROM:<a@elsewhere.test>\rRCPT TO:<" + RunningGateway.USER + ">\r\n");
      seen.saw(w.expectReply("500 5\\.5\\.2 .*"));
      // neither MAIL was executed: RCPT still needs MAIL first (and was answered only once per line)
      w.line("RCPT TO:<" + RunningGateway.USER + ">");
      seen.saw(w.expectReply("503 5\\.5\\.1 .*"));
    }
  }

  @Test
  @Case(on = "smtp", input = "11 unknown commands in a row", expect = "500 5.5.1 each, then 421 4.7.0 and close")
  void repeatedProtocolErrorsEndTheSessionWith421(Observed seen) {
    try (Wire w = greeted("smtp")) {
      for (int i = 0; i < 9; i++) {
        w.line("XYZZY" + i).expectReply("500 5\\.5\\.1 .*");
      }
      w.line("XYZZY9");
      String last = w.smtpReply();
      if (last.startsWith("500")) {
        last = w.smtpReply();
      }
      seen.saw(last);
      assertThat(last).matches("421 4\\.7\\.0 .*");
      assertThat(w.closedByServer()).isTrue();
    }
  }

  @Test
  @Case(on = "submission", input = "AUTH PLAIN with invalid base64, LOGIN with junk, PLAIN without NULs, unknown mechanism, '*' cancel",
      expect = "501 / 535 / 504 per RFC 4954, then a correct AUTH in the same session gets 235")
  void malformedAuthGetsStandardRepliesAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted("submission")) {
      w.line("EHLO client.test").expectReply("250.*");
      w.line("AUTH PLAIN !!!not*base64!!!");
      seen.saw(w.expectReply("501 5\\.5\\.2 .*"));
      String noNuls = b64("just-some-text-" + RunningGateway.WRONG_PASSWORD);
      w.line("AUTH PLAIN " + noNuls);
      seen.saw(w.expectReply("(501 5\\.5\\.2|535 5\\.7\\.8) .*"));
      w.line("AUTH LOGIN");
      w.expectReply("334 .*");
      w.line("%%%junk%%%");
      seen.saw(w.expectReply("501 5\\.5\\.2 .*"));
      w.line("AUTH PLAIN");
      w.expectReply("334.*");
      w.line("*");
      seen.saw(w.expectReply("501 5\\.0\\.0 .*"));
      w.line("AUTH X-NO-SUCH-MECH");
      seen.saw(w.expectReply("504 5\\.5\\.4 .*"));
      w.line("AUTH PLAIN " + b64("\0" + RunningGateway.USER + "\0" + RunningGateway.WRONG_PASSWORD));
      seen.saw(w.expectReply("535 5\\.7\\.8 .*"));
      w.line("AUTH PLAIN " + b64("\0" + RunningGateway.USER + "\0" + RunningGateway.PASSWORD));
      seen.saw(w.expectReply("235 2\\.7\\.0 .*"));
    }
  }

  @Test
  @Case(on = "smtp", input = "EHLO, STARTTLS and MAIL FROM pipelined in one write before the handshake",
      expect = "the plaintext MAIL is discarded: after TLS, RCPT gets 503 5.5.1")
  void starttlsDiscardsPipelinedPlaintext(Observed seen) {
    try (Wire w = greeted("smtp")) {
      w.send("EHLO client.test\r\nSTARTTLS\r\nMAIL FROM:<injected@elsewhere.test>\r\n");
      w.expectReply("250.*");
      w.expectReply("220 .*");
      w.startTls();
      w.line("EHLO client.test").expectReply("250.*");
      w.line("RCPT TO:<" + RunningGateway.USER + ">");
      seen.saw(w.expectReply("503 5\\.5\\.1 .*"));
    }
  }

  @Test
  @Case(on = "smtp", input = "5,000 NOOP / RSET / HELP lines and a QUIT in one write",
      expect = "5,000 replies in order (250, 250, 214, ...), then 221: nothing dropped, reads held while replies are outstanding")
  void aPipelinedFloodOfFiveThousandCommandsInOneWriteIsAnsweredInFullAndInOrder(Observed seen) {
    int n = 5000;
    String[] commands = {"NOOP", "RSET", "HELP"};
    String[] replies = {"250 .*", "250 .*", "214.*"};
    StringBuilder flood = new StringBuilder();
    for (int i = 0; i < n; i++) {
      flood.append(commands[i % 3]).append("\r\n");
    }
    try (Wire w = greeted("smtp")) {
      w.line("EHLO client.test").expectReply("250.*");
      w.send(flood.append("QUIT\r\n").toString());
      for (int i = 0; i < n; i++) {
        String r = w.smtpReply();
        assertThat(r).as("reply %d to %s", i, commands[i % 3]).matches("(?s)" + replies[i % 3]);
      }
      seen.saw(n + " replies in order, then " + w.expectReply("221 .*"));
    }
  }

  @Test
  @Case(on = "smtp", input = "MAIL, 4,998 RCPT to a local user, RSET and NOOP in one write",
      expect = "one reply per command, in order: 250 to MAIL, 250 or 452 (past the recipient limit) per RCPT, 250 to RSET and NOOP")
  void aPipelinedRecipientFloodIsAnsweredOneReplyPerCommandInOrder(Observed seen) {
    int rcpts = 4998;
    StringBuilder flood = new StringBuilder("MAIL FROM:<someone@elsewhere.test>\r\n");
    for (int i = 0; i < rcpts; i++) {
      flood.append("RCPT TO:<").append(RunningGateway.USER).append(">\r\n");
    }
    flood.append("RSET\r\nNOOP\r\n");
    try (Wire w = greeted("smtp")) {
      w.line("EHLO client.test").expectReply("250.*");
      w.send(flood.toString());
      w.expectReply("250 2\\.1\\.0 .*");
      int accepted = 0;
      int refused = 0;
      for (int i = 0; i < rcpts; i++) {
        String r = w.smtpReply();
        if (r.startsWith("250 2.1.5")) {
          accepted++;
        } else {
          assertThat(r).as("RCPT reply %d", i).matches("452 4\\.5\\.3 .*");
          refused++;
        }
      }
      w.expectReply("250 2\\.0\\.0 .*"); // RSET
      w.expectReply("250 2\\.0\\.0 .*"); // NOOP
      seen.saw("250 to MAIL, " + accepted + " x 250 and " + refused + " x 452 to RCPT, 250 to RSET and NOOP");
      assertThat(accepted).isPositive();
    }
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
