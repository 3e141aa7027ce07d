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

  /** Feeds {@code [from, to)} of {@code b} as one read; returns where the last call stopped. */
  private static int read(Pop3RelayConversation conversation, ByteBuf b, int from, int to) {
    int i = from;
    while (i < to) {
      i = conversation.fromBackend(b, i, to);
    }
    return i;
  }

  @Test
  void withNothingPipelinedABodyEndsAtItsDotLineWhereverTwoCutsSplitIt() {
    // Nothing awaits after the RETR, so only each read's last line break is looked at.
    String[] bodies = {"", "x\r\n", ".\r.\r\n", "..\r\n", "a\r\n.x\r\n..\r\n\r\n\r\n", ". \r\n.\r\r\n",
        "y".repeat(70) + "\r\n. \r\n"};
    for (String body : bodies) {
      String response = "+OK\r\n" + body + ".\r\n";
      ByteBuf b = Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII);
      try {
        for (int cut1 = 1; cut1 < response.length(); cut1++) {
          for (int cut2 = cut1; cut2 < response.length(); cut2++) {
            Pop3RelayConversation fresh = new Pop3RelayConversation();
            ByteBuf command = Unpooled.copiedBuffer("RETR 1\r\n", StandardCharsets.US_ASCII);
            fresh.fromClient(command, 0, command.writerIndex());
            command.release();
            read(fresh, b, 0, cut1);
            read(fresh, b, cut1, cut2);
            String where = body.replace("\r", "\\r").replace("\n", "\\n") + " cut at " + cut1 + ", " + cut2;
            assertThat(fresh.betweenResponses()).as(where).isFalse();
            assertThat(read(fresh, b, cut2, response.length())).as(where).isEqualTo(response.length());
            assertThat(fresh.atRest()).as(where).isTrue();
          }
        }
      } finally {
        b.release();
      }
    }
  }

  @Test
  void aCommandPipelinedInTheMiddleOfABodyKeepsTheLineTheBodyWasIn() {
    client("RETR 1\r\n");
    backend("+OK\r\nline\r\n."); // nothing pipelined yet: the read's last line is carried over
    client("STAT\r\n");
    backend("\r\n+OK 1 2\r\n"); // now every line break is looked at
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void somethingUnaskedAfterTheDotLineInTheSameReadLeavesTheConversationNeverAtRest() {
    // What a drain then does is wait for its timeout: never a goodbye in the middle of a response.
    client("RETR 1\r\n");
    ByteBuf b = Unpooled.copiedBuffer("+OK\r\nbody\r\n.\r\n-ERR unasked\r\n", StandardCharsets.US_ASCII);
    try {
      read(c, b, 0, b.writerIndex());
      assertThat(c.atRest()).isFalse();
    } finally {
      b.release();
    }
  }

  @Test
  void quitIsTheClientsGoodbyeOnceItsLineEnds() {
    client("QUITE\r\nNOOP\r\nqu");
    assertThat(c.clientSaidGoodbye()).isFalse();
    client("it\r\n");
    assertThat(c.clientSaidGoodbye()).isTrue();
  }
}
