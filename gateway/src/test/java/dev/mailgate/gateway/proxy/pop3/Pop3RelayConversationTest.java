package dev.mailgate.gateway.proxy.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where a relayed POP3 conversation may take a goodbye, the backend fed in random splits. */
class Pop3RelayConversationTest {

  private final Pop3RelayConversation c = new Pop3RelayConversation();
  private final Random random = new Random(7);

  private void client(String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    try {
      c.fromClient(b, 0, b.writerIndex());
    } finally {
      b.release();
    }
  }

  private void backend(String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    try {
      int i = 0;
      while (i < b.writerIndex()) {
        int to = Math.min(b.writerIndex(), i + 1 + random.nextInt(5));
        while (i < to) {
          i = c.fromBackend(b, i, to);
        }
      }
    } finally {
      b.release();
    }
  }

  @Test
  void aRetrBodyEndsOnlyAtTheLoneDotAndDotStuffedLinesDoNotEndIt() {
    client("RETR 1\r\n");
    assertThat(c.atRest()).isFalse();
    backend("+OK 30 octets\r\nSubject: x\r\n\r\n..\r\n.. still body\r\n");
    assertThat(c.betweenResponses()).isFalse();
    backend(".\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void aLargeBodyInOneReadEndsRightAfterItsDotLineAndTheNextResponseIsTracked() {
    client("RETR 1\r\nSTAT\r\n");
    StringBuilder body = new StringBuilder("+OK 200000 octets\r\n");
    // lines a byte-at-a-time scan and an LF-to-LF scan could disagree on: empty, one byte, ".x",
    // a stuffed dot, a CR alone before the LF, and long lines
    String[] odd = {"", "x", ".x", "..", ". ", ".\r.", "\r"};
    for (int n = 0; body.length() < 200_000; n++) {
      body.append(n % 10 == 0 ? odd[(n / 10) % odd.length] : "y".repeat(n % 97)).append("\r\n");
    }
    String response = body + ".\r\n";
    ByteBuf b = Unpooled.copiedBuffer(response + "+OK 1 200000\r\n", StandardCharsets.US_ASCII);
    try {
      assertThat(c.fromBackend(b, 0, b.writerIndex())).as("where the RETR response ends").isEqualTo(response.length());
      assertThat(c.betweenResponses()).isTrue();
      assertThat(c.atRest()).isFalse();
      assertThat(c.fromBackend(b, response.length(), b.writerIndex())).isEqualTo(b.writerIndex());
      assertThat(c.atRest()).isTrue();
    } finally {
      b.release();
    }
  }

  @Test
  void anErrToAMultiLineCommandIsOneLine() {
    client("RETR 9\r\n");
    backend("-ERR no such message\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void listWithAnArgumentIsOneLineAndWithoutIsABody() {
    client("LIST 1\r\nLIST\r\nSTAT\r\n");
    backend("+OK 1 120\r\n+OK 1 messages\r\n1 120\r\n");
    assertThat(c.betweenResponses()).isFalse();
    backend(".\r\n+OK 1 120\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void aCommandHalfSentIsNotAtRest() {
    client("NO");
    assertThat(c.clientBetweenCommands()).isFalse();
    client("OP\r\n");
    assertThat(c.atRest()).isFalse();
    backend("+OK\r\n");
    assertThat(c.atRest()).isTrue();
  }
}
