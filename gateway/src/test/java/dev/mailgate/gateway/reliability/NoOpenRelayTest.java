package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No open relay on any SMTP listener of the running gateway (example.test is its only local
 * domain): unauthenticated mail to a foreign domain is refused however the address is dressed up
 * (percent hack, source route, quoted local part holding an '@', UUCP bang path, address literal),
 * the submission listeners want AUTH first, and even an authenticated user gets no relay without a
 * relay route (PRODUCT.md: {@code 554 5.7.1}).
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class NoOpenRelayTest {
  /** RCPT arguments that must never be accepted from an unauthenticated client. */
  static final List<String> TRICKS = List.of(
      "<victim@foreign.test>",
      "<VICTIM@FOREIGN.TEST>",
      "<victim%foreign.test@example.test>",
      "<victim%foreign.test>",
      "<@example.test:victim@foreign.test>",
      "<@example.test,@relay.test:victim@foreign.test>",
      "<\"victim@foreign.test\"@example.test>",
      "<\"victim%foreign.test\"@example.test>",
      "<foreign.test!victim@example.test>",
      "<foreign.test!victim>",
      "<victim@foreign.test@example.test>",
      "<victim@[192.0.2.1]>",
      "<victim@[127.0.0.1]>",
      "<victim@foreign.test.>",
      "<victim@example.test.foreign.test>",
      "victim@foreign.test",
      " <victim@foreign.test>");

  private final RunningGateway gw;

  NoOpenRelayTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "<victim@foreign.test>", "<victim%foreign.test@example.test>", "<@example.test:victim@foreign.test>",
      "<\"victim@foreign.test\"@example.test>", "<foreign.test!victim@example.test>", "<victim@[192.0.2.1]>"})
  @Case(on = "smtp (MX)", input = "unauthenticated RCPT TO the address shown",
      expect = "554 5.7.1 for a foreign domain, 550 5.1.1 for a local-domain address that is no user, or a 501 syntax error; never 2xx")
  void anUnauthenticatedClientCannotRelay(String rcpt, Observed seen) {
    try (Wire w = mx("smtp", "sender@elsewhere.test")) {
      w.line("RCPT TO:" + rcpt);
      String r = seen.saw(w.smtpReply());
      assertThat(r).matches("(554 5\\.7\\.1|550 5\\.1\\.1|501 5\\.[15]\\.[0-9]|553 5\\.1\\.[0-9]) .*");
      w.line("DATA");
      seen.saw(w.expectReply("(554|503) .*"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtp", "lb-smtp"})
  @Case(on = "every MX-style listener", input = TRICKS_TEXT + "; sender from a foreign and from the local domain",
      expect = "every RCPT refused with a 5xx, DATA refused")
  void noTrickRelaysOnAnyMxListener(String listener, Observed seen) {
    // one session per address: refused RCPTs count as protocol errors, and ten of them end a session
    List<String> accepted = new ArrayList<>();
    for (String sender : List.of("sender@elsewhere.test", RunningGateway.USER)) {
      for (String rcpt : TRICKS) {
        try (Wire w = mx(listener, sender)) {
          w.line("RCPT TO:" + rcpt);
          String r = w.smtpReply();
          if (!r.startsWith("5")) {
            accepted.add(rcpt + " -> " + r);
          }
          w.line("DATA");
          w.expectReply("(554|503) .*");
        }
      }
    }
    assertThat(accepted).as("not refused").isEmpty();
    seen.saw(TRICKS.size() + " addresses x 2 senders, all refused");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"submission", "smtps"})
  @Case(on = "submission, smtps", input = "MAIL and RCPT to a foreign domain without AUTH",
      expect = "530 5.7.0 (authentication required), nothing accepted")
  void submissionWantsAuthenticationFirst(String listener, Observed seen) {
    try (Wire w = listener.equals("smtps") ? Wire.implicitTls(gw.port(listener)) : Wire.connect(gw.port(listener))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<" + RunningGateway.USER + ">");
      seen.saw(w.expectReply("530 5\\.7\\.0 .*"));
      w.line("RCPT TO:<victim@foreign.test>");
      seen.saw(w.expectReply("5[0-9][0-9] .*"));
    }
  }

  @Test
  @Case(on = "submission (STARTTLS, authenticated)", input = "RCPT to a foreign domain with no relay route configured",
      expect = "554 5.7.1; local recipient still accepted")
  void anAuthenticatedUserWithoutARelayRouteCannotRelay(Observed seen) {
    try (Wire w = Wire.connect(gw.port("submission"))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("STARTTLS").expectReply("220 .*");
      w.startTls();
      w.line("EHLO client.test").expectReply("250.*");
      w.line("AUTH PLAIN " + SmtpBadInputTest.b64("\0" + RunningGateway.USER + "\0" + RunningGateway.PASSWORD))
          .expectReply("235 .*");
      w.line("MAIL FROM:<" + RunningGateway.USER + ">").expectReply("250 .*");
      w.line("RCPT TO:<victim@foreign.test>");
      seen.saw(w.expectReply("554 5\\.7\\.1 .*"));
      w.line("RCPT TO:<victim%foreign.test@example.test>");
      seen.saw(w.expectReply("5[0-9][0-9] .*"));
      w.line("RCPT TO:<" + RunningGateway.USER + ">");
      seen.saw(w.expectReply("250 .*"));
      w.line("RSET").expectReply("250 .*");
    }
  }

  private static final String TRICKS_TEXT = "17 forms: plain, upper case, % hack (with and without domain), source routes (1 and 2 hops), "
      + "quoted local part with @ or %, ! bang paths, double @, address literals (foreign and 127.0.0.1), trailing dot, "
      + "local domain as a prefix, no angle brackets, leading space";

  private Wire mx(String listener, String sender) {
    Wire w = Wire.connect(gw.port(listener));
    w.expectReply("220 .*");
    w.line("EHLO client.test").expectReply("250.*");
    w.line("MAIL FROM:<" + sender + ">").expectReply("250 .*");
    return w;
  }
}
