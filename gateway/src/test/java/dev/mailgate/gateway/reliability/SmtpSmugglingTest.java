package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (CVE-2023-51764 and kin): a message whose body holds a fake end of data followed
 * by a second, smuggled transaction. Only {@code CRLF.CRLF} ends DATA; a bare CR or LF anywhere in
 * the content makes the whole message fail at its real end ({@code 550 5.6.0}, like Postfix's
 * {@code smtpd_forbid_bare_newline}), so neither the message nor the smuggled one is stored, and the
 * smuggled commands are never executed. Proven against the local delivery of the running gateway.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class SmtpSmugglingTest {
  private final RunningGateway gw;

  SmtpSmugglingTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"<LF>.<LF>", "<CR>.<CR>", "<LF>.<CRLF>", "<CRLF>.<LF>", "<CR>.<CRLF>", "<CRLF>.<CR>"})
  @Case(on = "smtp (local delivery)", input = "DATA holding a fake end of data, then MAIL/RCPT/DATA of a smuggled message",
      expect = "no reply before the real CRLF.CRLF; then one 550 5.6.0; nothing of it stored; next message stored alone")
  void onlyCrLfDotCrLfEndsTheMessage(String fakeEnd, Observed seen) {
    String tag = UUID.randomUUID().toString();
    String fake = fakeEnd.replace("<CRLF>", "\r\n").replace("<LF>", "\n").replace("<CR>", "\r");
    int before = gw.inbox(RunningGateway.USER).size();
    try (Wire w = Wire.connect(gw.port("smtp"))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250 .*");
      w.line("RCPT TO:<" + RunningGateway.USER + ">").expectReply("250 .*");
      w.line("DATA").expectReply("354 .*");
      w.send("Subject: outer " + tag + "\r\n\r\nouter body" + fake
          + "MAIL FROM:<forged@example.test>\r\nRCPT TO:<" + RunningGateway.USER + ">\r\nDATA\r\n"
          + "Subject: smuggled " + tag + "\r\n\r\nsmuggled body\r\n.\r\n");
      // the smuggled "\r\n.\r\n" is the real end: one reply for the whole thing
      String end = seen.saw(w.smtpReply());
      assertThat(end).matches("550 5\\.6\\.0 .*");
      // the smuggled MAIL/RCPT/DATA were content, not commands: the next reply is this NOOP's
      w.line("NOOP").expectReply("250 .*");

      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250 .*");
      w.line("RCPT TO:<" + RunningGateway.USER + ">").expectReply("250 .*");
      w.line("DATA").expectReply("354 .*");
      w.send("Subject: clean " + tag + "\r\n\r\n..a dot-stuffed line\r\n.\r\n");
      w.expectReply("250 .*");
      seen.saw("next clean message: 250");
    }
    List<String> stored = gw.inbox(RunningGateway.USER).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1)).filter(m -> m.contains(tag)).toList();
    seen.saw((gw.inbox(RunningGateway.USER).size() - before) + " message(s) stored");
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0)).contains("Subject: clean " + tag).contains("\r\n.a dot-stuffed line\r\n")
        .doesNotContain("smuggled").doesNotContain("outer");
  }
}
