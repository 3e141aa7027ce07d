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
