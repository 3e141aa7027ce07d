package dev.mailgate.bench.load.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseFramerTest {

  private static final String FETCH = "* 1 FETCH (BODY[] {12}\r\na2 OK fake\r\n)\r\n"
      + "* 2 FETCH (BODY[] {0}\r\n)\r\n"
      + "a2 OK Fetch completed.\r\n";

  @Test
  void imapTaggedResponseEndsAtItsTagNotAtATagInsideALiteral() {
    Framed f = feedWhole(FETCH + "extra", Expect.IMAP_TAGGED, "a2");
    assertThat(f.done).isTrue();
    assertThat(f.framer.lastLine()).isEqualTo("a2 OK Fetch completed.");
    assertThat(f.framer.firstLine()).isEqualTo("* 1 FETCH (BODY[] {12}");
    assertThat(f.framer.bytes()).isEqualTo(FETCH.length());
    assertThat(f.left).isEqualTo("extra");
  }

  @Test
  void everySplitOfAResponseFramesTheSameWay() {
    Random random = new Random(7);
    for (int run = 0; run < 200; run++) {
      ResponseFramer framer = new ResponseFramer();
      framer.reset(Expect.IMAP_TAGGED, "a2");
      byte[] bytes = FETCH.getBytes(StandardCharsets.US_ASCII);
      int at = 0;
      boolean done = false;
      while (at < bytes.length) {
        int n = 1 + random.nextInt(Math.min(9, bytes.length - at));
        assertThat(done).as("complete before its last byte").isFalse();
        done = framer.feed(Unpooled.wrappedBuffer(bytes, at, n));
        at += n;
      }
      assertThat(done).isTrue();
      assertThat(framer.lastLine()).isEqualTo("a2 OK Fetch completed.");
      assertThat(framer.bytes()).isEqualTo(bytes.length);
    }
  }

  @Test
  void imapContinuationEndsAtThePlusLine() {
    Framed f = feedWhole("* OK still here\r\n+ idling\r\n", Expect.IMAP_CONTINUATION, "a3");
    assertThat(f.done).isTrue();
    assertThat(f.framer.lastLine()).isEqualTo("+ idling");
  }

  @Test
  void smtpReplyEndsAtTheLineWithASpaceAfterTheCode() {
    Framed f = feedWhole("250-mx.example\r\n250-PIPELINING\r\n250 SIZE\r\n", Expect.SMTP_REPLY, null);
    assertThat(f.done).isTrue();
    assertThat(f.framer.lastLine()).isEqualTo("250 SIZE");
    assertThat(new Response(f.framer.firstLine(), f.framer.lastLine(), 0, 0).smtpCode()).isEqualTo(250);
    assertThat(feedWhole("250-mx.example\r\n", Expect.SMTP_REPLY, null).done).isFalse();
  }

  @Test
  void pop3MultilineEndsAtTheDotLineButAnErrorIsOneLine() {
    Framed ok = feedWhole("+OK 3 octets\r\n..dot-stuffed\r\nbody\r\n.\r\n+OK next", Expect.POP3_MULTILINE, null);
    assertThat(ok.done).isTrue();
    assertThat(ok.framer.lastLine()).isEqualTo(".");
    assertThat(ok.left).isEqualTo("+OK next");
    Framed err = feedWhole("-ERR no such message\r\n", Expect.POP3_MULTILINE, null);
    assertThat(err.done).isTrue();
    assertThat(err.framer.firstLine()).isEqualTo("-ERR no such message");
  }

  @Test
  void longLinesAreCutInTheCaptureButCountedInFull() {
    String line = "+OK " + "x".repeat(1000);
    Framed f = feedWhole(line + "\r\n", Expect.LINE, null);
    assertThat(f.framer.firstLine()).hasSize(ResponseFramer.LINE_CAPTURE);
    assertThat(f.framer.bytes()).isEqualTo(line.length() + 2);
  }

  private record Framed(ResponseFramer framer, boolean done, String left) {}

  private static Framed feedWhole(String text, Expect expect, String tag) {
    ResponseFramer framer = new ResponseFramer();
    framer.reset(expect, tag);
    ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    boolean done = framer.feed(in);
    String left = in.toString(StandardCharsets.US_ASCII);
    in.release();
    return new Framed(framer, done, left);
  }
}
