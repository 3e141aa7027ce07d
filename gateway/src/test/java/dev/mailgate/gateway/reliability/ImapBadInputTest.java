package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile IMAP input before login against the running gateway's local IMAP listener: each case
 * gets the standard response, the session or at least the server survives, and a fresh client is
 * served afterwards.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class ImapBadInputTest {
  private final RunningGateway gw;

  ImapBadInputTest(RunningGateway gw) {
    this.gw = gw;
  }

  private Wire greeted() {
    Wire w = Wire.connect(gw.port("imap"));
    w.expect("\\* OK .*");
    return w;
  }

  @AfterEach
  void aFreshClientIsServed() {
    try (Wire w = greeted()) {
      w.line("z NOOP").expect("z OK .*");
    }
  }

  @Test
  @Case(on = "imap", input = "70,000-byte command line", expect = "BAD [TOOBIG], session usable")
  void anOverlongLineGetsBadTooBigAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted()) {
      w.line("a NOOP " + "x".repeat(70_000));
      seen.saw(w.expect("(a|\\*) BAD \\[TOOBIG\\].*"));
      w.line("b NOOP").expect("b OK .*");
    }
  }

  @Test
  @Case(on = "imap", input = "LOGIN announcing literals of 9 KB, 4 GB, 2^63-1 and 2^64 (overflow) octets before login",
      expect = "BAD at once (TOOBIG above the 8 KB pre-login limit), never a '+' continuation, allocator use < 1 MB more, session usable")
  void aHugeLiteralAnnouncedBeforeLoginIsRefusedWithoutAllocating(Observed seen) {
    long before = usedMemory();
    try (Wire w = greeted()) {
      for (String size : new String[] {"9000", "4294967296"}) {
        w.line("a LOGIN {" + size + "}");
        seen.saw(w.expect("a BAD \\[TOOBIG\\].*"));
      }
      // beyond what the literal parser reads as a number: refused as BAD (not TOOBIG; see the report)
      for (String size : new String[] {"9223372036854775807", "18446744073709551616"}) {
        w.line("a LOGIN {" + size + "}");
        seen.saw(w.expect("a BAD .*"));
      }
      w.line("b NOOP").expect("b OK .*");
    }
    long grown = usedMemory() - before;
    seen.saw("allocator growth " + grown + " bytes");
    assertThat(grown).isLessThan(1 << 20);
  }

  @Test
  @Case(on = "imap", input = "non-synchronising literal {2000000+} before login, and its 2 MB",
      expect = "the literal is discarded as it arrives (allocator use < 1 MB more), then BAD [TOOBIG], session usable")
  void aHugeNonSynchronisingLiteralBeforeLoginIsDiscardedAndRefused(Observed seen) {
    long before = usedMemory();
    try (Wire w = greeted()) {
      int size = 2_000_000;
      w.send("a LOGIN {" + size + "+}\r\n");
      byte[] chunk = new byte[100_000];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int sent = 0; sent < size; sent += chunk.length) {
        w.send(chunk);
      }
      w.send(" secret\r\n");
      seen.saw(w.expect("a BAD \\[TOOBIG\\].*"));
      w.line("b NOOP").expect("b OK .*");
    }
    long grown = usedMemory() - before;
    seen.saw("allocator growth " + grown + " bytes");
    assertThat(grown).isLessThan(1 << 20);
  }

  @Test
  @Case(on = "imap", input = "NUL inside a LOGIN argument", expect = "BAD, session usable")
  void aNulInACommandIsRefusedAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted()) {
      w.send("a LOGIN al\0ice secret\r\n");
      seen.saw(w.expect("(a|\\*) BAD .*"));
      w.line("b NOOP").expect("b OK .*");
    }
  }

  @Test
  @Case(on = "imap", input = "8-bit junk bytes 0x80-0xFF as a command", expect = "BAD, session usable")
  void eightBitJunkIsRefusedAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = greeted()) {
      byte[] junk = new byte[128];
      for (int i = 0; i < junk.length; i++) {
        junk[i] = (byte) (0x80 + i);
      }
      w.send(junk).send("\r\n");
      seen.saw(w.expect("\\* BAD .*|.* BAD .*"));
      w.line("b NOOP").expect("b OK .*");
    }
  }

  @Test
  @Case(on = "imap", input = "25 junk commands in one write", expect = "BAD each, then * BYE [LIMIT] and close (local IMAP: 20 errors)")
  void repeatedProtocolErrorsEndTheSession(Observed seen) {
    try (Wire w = greeted()) {
      StringBuilder junk = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        junk.append("x").append(i).append(" XYZZY\r\n");
      }
      w.send(junk.toString());
      String all = w.readUntilClosed();
      seen.saw(all.lines().filter(l -> l.contains("BAD")).count() + " x BAD, then "
          + all.lines().filter(l -> l.startsWith("* BYE")).findFirst().orElse("(no BYE)"));
      assertThat(all).contains("* BYE [LIMIT]");
    }
  }

  @Test
  @Case(on = "imap", input = "5,000 NOOPs in one write", expect = "5,000 tagged OK, in order")
  void aPipelinedNoopFloodIsAnsweredInFull(Observed seen) {
    int n = 5000;
    try (Wire w = greeted()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append('n').append(i).append(" NOOP\r\n");
      }
      w.send(b.toString());
      int ok = 0;
      for (int i = 0; i < n; i++) {
        String l = w.expectEventually("n[0-9]+ .*", 10);
        if (l.equals("n" + i + " OK NOOP completed") || l.matches("n" + i + " OK .*")) {
          ok++;
        } else {
          seen.saw("line " + i + ": " + l);
          break;
        }
      }
      seen.saw(ok + " x OK");
      assertThat(ok).isEqualTo(n);
    }
  }

  @Test
  @Case(on = "imap", input = "STARTTLS and LOGIN pipelined in one write", expect = "the plaintext LOGIN is discarded: no reply to it after TLS")
  void starttlsDiscardsPipelinedPlaintext(Observed seen) {
    try (Wire w = greeted()) {
      w.send("a STARTTLS\r\nb LOGIN " + RunningGateway.USER + " " + RunningGateway.PASSWORD + "\r\n");
      w.expect("a OK .*");
      w.startTls();
      w.line("c NOOP");
      seen.saw(w.expectEventually("[a-z] .*", 5));
      w.line("d SELECT INBOX");
      seen.saw(w.expectEventually("d .*", 10));
      assertThat(seen.text()).startsWith("c OK").contains("d BAD").doesNotContain("b OK");
    }
  }

  @Test
  @Case(on = "imaps", input = "AUTHENTICATE PLAIN with invalid base64 (continuation and SASL-IR), '*' cancel, wrong password",
      expect = "BAD / BAD / NO [AUTHENTICATIONFAILED], then LOGIN in the same session gets OK")
  void malformedSaslGetsStandardResponsesAndTheSessionCarriesOn(Observed seen) {
    try (Wire w = Wire.implicitTls(gw.port("imaps"))) {
      w.expect("\\* OK .*");
      w.line("a AUTHENTICATE PLAIN");
      w.expect("\\+.*");
      w.line("!!!not*base64!!!");
      seen.saw(w.expect("a (BAD|NO) .*"));
      w.line("b AUTHENTICATE PLAIN %%%junk%%%");
      seen.saw(w.expect("b (BAD|NO) .*"));
      w.line("c AUTHENTICATE PLAIN");
      w.expect("\\+.*");
      w.line("*");
      seen.saw(w.expect("c BAD .*"));
      w.line("d AUTHENTICATE PLAIN " + SmtpBadInputTest.b64("\0" + RunningGateway.USER + "\0" + RunningGateway.WRONG_PASSWORD));
      seen.saw(w.expect("d NO \\[AUTHENTICATIONFAILED\\].*"));
      w.line("e LOGIN " + RunningGateway.USER + " " + RunningGateway.PASSWORD);
      seen.saw(w.expectEventually("e .*", 5));
      assertThat(seen.text()).contains("e OK");
      w.line("f LOGOUT");
    }
  }

  /** What Netty's default allocator holds now, heap and direct (the gateway runs in this JVM). */
  static long usedMemory() {
    var m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
    return m.usedHeapMemory() + m.usedDirectMemory();
  }
}
