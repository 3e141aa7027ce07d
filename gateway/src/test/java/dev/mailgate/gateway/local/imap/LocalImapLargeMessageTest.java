package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.testing.Transcript;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message larger than the inline-literal limit (64 KiB) is streamed through APPEND into the store
 * and back out of FETCH (whole and partial) byte for byte.
 */
class LocalImapLargeMessageTest {
  @TempDir Path dir;

  @Test
  void streamedAppendAndFetchKeepEveryByte() throws Exception {
    byte[] message = message(3 * 1024 * 1024 + 17);
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(30))) {
      c.run("""
          S: \\* OK .*
          C: l1 LOGIN alice secret
          S: l1 OK .*
          C: l2 APPEND INBOX {%d}
          S: \\+ Ready for literal data
          """.formatted(message.length));
      c.send(message).send("\r\n".getBytes(US_ASCII));
      c.run("""
          S: l2 OK \\[APPENDUID \\d+ 1\\] APPEND completed
          C: l3 SELECT INBOX
          S*: \\* .*
          S: l3 OK .*
          C: l4 FETCH 1 (RFC822.SIZE BODY.PEEK[])
          """);
      assertThat(c.readLine()).isEqualTo("* 1 FETCH (RFC822.SIZE " + message.length + " BODY[] {" + message.length + "}");
      byte[] fetched = c.readBytes(message.length);
      assertThat(MessageDigest.getInstance("SHA-256").digest(fetched))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(message));
      c.run("""
          S: \\)
          S: l4 OK FETCH completed
          C: l5 FETCH 1 (BODY.PEEK[]<2000000.20>)
          S: \\* 1 FETCH \\(BODY\\[\\]<2000000> \\{20\\}
          """);
      assertThat(c.readBytes(20)).isEqualTo(Arrays.copyOfRange(message, 2_000_000, 2_000_020));
      c.run("""
          S: \\)
          S: l5 OK FETCH completed
          """);
    }
  }

  @Test
  void streamedUtf8AppendClosesItsParenthesisAndGoesOnWithTheNextMessage() throws Exception {
    byte[] message = message(200_000);
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(30))) {
      c.run("""
          S: \\* OK .*
          C: u1 LOGIN alice secret
          S: u1 OK .*
          C: u2 ENABLE UTF8=ACCEPT
          S: \\* ENABLED UTF8=ACCEPT
          S: u2 OK .*
          C: u3 APPEND INBOX UTF8 (~{%d}
          S: \\+ Ready for literal data
          """.formatted(message.length));
      // RFC 6855 section 4: the UTF8 item's ")" follows the streamed literal, then MULTIAPPEND goes on.
      c.send(message).send(") {12+}\r\nSubject: x\r\n\r\n".getBytes(US_ASCII));
      c.run("""
          S: u3 OK \\[APPENDUID \\d+ 1:2\\] APPEND completed
          C: u4 SELECT INBOX
          S*: \\* .*
          S: u4 OK .*
          C: u5 FETCH 1:2 (RFC822.SIZE)
          S: \\* 1 FETCH \\(RFC822.SIZE %d\\)
          S: \\* 2 FETCH \\(RFC822.SIZE 12\\)
          S: u5 OK FETCH completed
          """.formatted(message.length));
    }
  }

  private static byte[] message(int size) {
    StringBuilder sb = new StringBuilder("From: a@example.org\r\nSubject: big\r\n\r\n");
    int line = 0;
    while (sb.length() < size) {
      sb.append("line ").append(line++).append(" of a large message, padded to make it long enough\r\n");
    }
    sb.setLength(size - 2);
    sb.append("\r\n");
    return sb.toString().getBytes(US_ASCII);
  }
}
