package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.testing.Transcript;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local tier takes non-synchronising literals up to its literal limits and says so with
 * LITERAL+ (RFC 7888 section 3); a non-synchronising literal over the limit is still refused, its
 * octets discarded, and the session goes on.
 */
class LocalImapLiteralPlusTest {
  @TempDir Path dir;

  @Test
  void literalPlusIsAdvertisedBeforeAndAfterLogin() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      Transcript.of("""
          S: \\* OK \\[CAPABILITY IMAP4rev1 LITERAL\\+ .*\\] imap.test IMAP4rev1 ready
          C: c1 LOGIN alice secret
          S: c1 OK \\[CAPABILITY IMAP4rev1 LITERAL\\+ .*\\] Logged in
          C: c2 CAPABILITY
          S: \\* CAPABILITY IMAP4rev1 LITERAL\\+ .*
          S: c2 OK CAPABILITY completed
          """).run(server.address());
    }
  }

  @Test
  void appendWithANonSynchronisingLiteralOverFourKilobytesIsStored() throws Exception {
    byte[] message = message(10_000);
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      c.run("""
          S: \\* OK .*
          C: a1 LOGIN alice secret
          S: a1 OK .*
          """);
      // No continuation request: the literal follows its announcement at once.
      c.send(("a2 APPEND INBOX {" + message.length + "+}\r\n").getBytes(US_ASCII))
          .send(message).send("\r\n".getBytes(US_ASCII));
      c.run("""
          S: a2 OK \\[APPENDUID \\d+ 1\\] APPEND completed
          C: a3 EXAMINE INBOX
          S*: \\* .*
          S: a3 OK .*
          C: a4 FETCH 1 (RFC822.SIZE)
          S: \\* 1 FETCH \\(RFC822.SIZE %d\\)
          S: a4 OK FETCH completed
          """.formatted(message.length));
    }
  }

  @Test
  void nonSynchronisingLiteralOverTheAppendLimitIsRefusedAndTheSessionGoesOn() throws Exception {
    LocalImapSettings small = LocalImapSettings.of("imap.test",
        ImapLimits.DEFAULTS.withLiteralLimits(8 * 1024, 20_000, 4096)).withAllowPlaintextAuth(true);
    byte[] message = message(30_000);
    try (LocalImapServer server = LocalImapServer.start(dir, small);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      c.run("""
          S: \\* OK \\[CAPABILITY IMAP4rev1 LITERAL\\+ .*
          C: b1 LOGIN alice secret
          S: b1 OK \\[CAPABILITY .* APPENDLIMIT=20000 .*\\] Logged in
          """);
      c.send(("b2 APPEND INBOX {" + message.length + "+}\r\n").getBytes(US_ASCII))
          .send(message).send("\r\n".getBytes(US_ASCII));
      c.run("""
          S: b2 NO \\[TOOBIG\\] .*
          C: b3 STATUS INBOX (MESSAGES)
          S: \\* STATUS "INBOX" \\(MESSAGES 0\\)
          S: b3 OK STATUS completed
          """);
    }
  }

  private static byte[] message(int size) {
    StringBuilder sb = new StringBuilder("From: a@example.org\r\nSubject: literal plus\r\n\r\n");
    while (sb.length() < size) {
      sb.append("a line of the body, long enough to add up quickly to the size asked for\r\n");
    }
    sb.setLength(size - 2);
    sb.append("\r\n");
    return sb.toString().getBytes(US_ASCII);
  }
}
