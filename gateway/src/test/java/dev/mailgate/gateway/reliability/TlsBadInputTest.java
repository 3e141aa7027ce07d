package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken TLS against the running gateway: garbage where a ClientHello belongs, handshakes cut off
 * half way (then closed, or left hanging), garbage after STARTTLS. The connection is closed and the
 * next client gets a working TLS session and greeting.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class TlsBadInputTest {
  private final RunningGateway gw;

  TlsBadInputTest(RunningGateway gw) {
    this.gw = gw;
  }

  private void aFreshTlsClientIsServed(String listener) {
    try (Wire w = Wire.implicitTls(gw.port(listener))) {
      w.expect("(220|\\+OK|\\* OK) .*");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtps", "pop3s", "imaps"})
  @Case(on = "smtps, pop3s, imaps", input = "16 KB of random bytes instead of a ClientHello",
      expect = "connection closed (alert or close), next TLS client served")
  void garbageInsteadOfAHandshakeIsClosed(String listener, Observed seen) {
    byte[] junk = new byte[16 * 1024];
    new Random(42).nextBytes(junk);
    junk[0] = 0x16; // looks like a handshake record, then nonsense
    try (Wire w = Wire.connect(gw.port(listener))) {
      try {
        w.send(junk);
      } catch (java.io.UncheckedIOException resetWhileSending) {
        seen.saw("reset while sending");
      }
      String answer = w.readUntilClosed();
      seen.saw("closed after " + answer.length() + " bytes from the server"
          + (answer.startsWith("\u0015") ? " (a TLS alert)" : ""));
      assertThat(answer.length()).isLessThan(100);
    }
    aFreshTlsClientIsServed(listener);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtps", "pop3s", "imaps"})
  @Case(on = "smtps, pop3s, imaps", input = "the first 40 bytes of a ClientHello, then the client closes",
      expect = "server closes its side, next TLS client served")
  void aHandshakeCutOffByTheClientIsCleanedUp(String listener, Observed seen) {
    byte[] hello = ClientHello.build(ClientHello.TLS1_2, 0xc02b, 0xc02f);
    try (Wire w = Wire.connect(gw.port(listener))) {
      w.send(Arrays.copyOf(hello, 40));
      w.rawShutdownOutput();
      assertThat(w.closedByServer()).isTrue();
      seen.saw("closed");
    }
    aFreshTlsClientIsServed(listener);
  }

  @Test
  @Case(on = "smtp (STARTTLS, pre_login_timeout 2s)", input = "STARTTLS, then half a ClientHello, then silence",
      expect = "closed by the pre-login timeout; next client served")
  void aHandshakeLeftHangingIsClosedByThePreLoginTimeout(Observed seen) {
    byte[] hello = ClientHello.build(ClientHello.TLS1_2, 0xc02b, 0xc02f);
    try (Wire w = Wire.connect(gw.port("slow-smtp"))) {
      w.expectReply("220 .*");
      w.line("STARTTLS").expectReply("220 .*");
      w.send(Arrays.copyOf(hello, hello.length / 2));
      assertThat(w.closedByServer()).isTrue();
      seen.saw("closed");
    }
    try (Wire w = Wire.connect(gw.port("slow-smtp"))) {
      w.expectReply("220 .*");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtp", "pop3", "imap"})
  @Case(on = "smtp, pop3, imap (STARTTLS)", input = "STARTTLS / STLS accepted, then plaintext commands instead of a ClientHello",
      expect = "connection closed, next client served")
  void plaintextAfterStarttlsIsClosed(String listener, Observed seen) {
    String command = switch (listener) {
      case "smtp" -> "STARTTLS";
      case "pop3" -> "STLS";
      default -> "a STARTTLS";
    };
    try (Wire w = Wire.connect(gw.port(listener))) {
      w.expect("(220|\\+OK|\\* OK) .*");
      w.line(command).expect("(220|\\+OK|a OK) .*");
      try {
        w.send("NOOP\r\nNOOP\r\nQUIT\r\n".repeat(100));
      } catch (java.io.UncheckedIOException resetWhileSending) {
        seen.saw("reset while sending");
      }
      String answer = w.readUntilClosed();
      seen.saw("closed after " + answer.length() + " bytes from the server");
      assertThat(answer).doesNotContain("250").doesNotContain("OK");
    }
    try (Wire w = Wire.connect(gw.port(listener))) {
      w.expect("(220|\\+OK|\\* OK) .*");
    }
  }
}
