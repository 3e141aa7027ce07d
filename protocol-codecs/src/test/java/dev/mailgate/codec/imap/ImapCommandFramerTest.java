package dev.mailgate.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapCommandFramerTest {
  private static final ImapLimits SMALL =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withLiteralLimits(16, 4096, 8)
          .withInline(1024, 4096, 1 << 20);

  private static List<String> frame(ImapLimits limits, boolean auth, String input) {
    List<List<String>> ways =
        FramerCases.everyWay(
            () -> {
              ImapCommandFramer f = new ImapCommandFramer(limits);
              f.authenticated(auth);
              return f;
            },
            input);
    assertThat(ways).as("every split gives the same frames").hasSize(1);
    return ways.get(0);
  }

  @Test
  void singleLineCommandsAreFramedOnePerCrlf() {
    assertThat(frame(SMALL, false, "a1 NOOP\r\na2 CAPABILITY\r\n"))
        .containsExactly("cmd[a1 NOOP]", "cmd[a2 CAPABILITY]");
  }

  @Test
  void synchronisingLiteralWithinLimitAsksForContinuationAndIsInlined() {
    assertThat(frame(SMALL, false, "a1 LOGIN {4}\r\nfred {3}\r\nabc\r\n"))
        .containsExactly("+4", "+3", "cmd[a1 LOGIN {4}|fred| {3}|abc|]");
  }

  @Test
  void nonSynchronisingLiteralNeedsNoContinuation() {
    assertThat(frame(SMALL, false, "a1 LOGIN {4+}\r\nfred {3+}\r\nabc\r\n"))
        .containsExactly("cmd[a1 LOGIN {4+}|fred| {3+}|abc|]");
  }

  @Test
  void binaryLiteralIsFramedLikeAnyLiteral() {
    assertThat(frame(SMALL, true, "a1 APPEND x ~{5}\r\n\0\1\2\r\n\r\n"))
        .containsExactly("+5", "cmd[a1 APPEND x ~{5}|\0\1\2\r\n|]");
  }

  @Test
  void literalBytesThatLookLikeCommandsStayInTheLiteral() {
    assertThat(frame(SMALL, false, "a1 LOGIN {8+}\r\na2 NOOP x\r\n"))
        .containsExactly("cmd[a1 LOGIN {8+}|a2 NOOP |x]");
  }

  @Test
  void hugeSynchronisingLiteralBeforeLoginIsRefusedAtOnce() {
    assertThat(frame(SMALL, false, "a1 LOGIN {4294967296}\r\na2 NOOP\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "cmd[a2 NOOP]");
  }

  @Test
  void hugeLiteralBeforeLoginAllocatesNothing() {
    EmbeddedChannel ch = new EmbeddedChannel(new ImapCommandFramer(ImapLimits.DEFAULTS));
    ByteBuf in = ByteBufAllocator.DEFAULT.buffer();
    in.writeCharSequence("a1 LOGIN fred {2147483647}\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(in);
    Object out = ch.readInbound();
    assertThat(out).isEqualTo(new DecodeFailure(ProtocolError.LITERAL_TOO_BIG, "a1",
        "literal of 2147483647 octets exceeds 8192"));
    assertThat((Object) ch.readInbound()).as("no continuation request").isNull();
    assertThat(in.refCnt()).as("the framer kept nothing of the input").isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void hugeNonSynchronisingLiteralIsDiscardedChunkByChunkWithoutBuffering() {
    EmbeddedChannel ch = new EmbeddedChannel(new ImapCommandFramer(ImapLimits.DEFAULTS));
    ByteBuf head = ByteBufAllocator.DEFAULT.buffer();
    head.writeCharSequence("a1 LOGIN fred {1048576+}\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(head);
    assertThat(head.refCnt()).isZero();
    for (int i = 0; i < 16; i++) {
      ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer(65536).writeZero(65536);
      ch.writeInbound(chunk);
      assertThat(chunk.refCnt()).as("chunk %d dropped at once", i).isZero();
      assertThat((Object) ch.readInbound()).isNull();
    }
    ch.writeInbound(Unpooled.copiedBuffer("\r\na2 NOOP\r\n", StandardCharsets.US_ASCII));
    assertThat(FramerCases.describe(ch.readInbound())).isEqualTo("fail LITERAL_TOO_BIG a1");
    Object noop = ch.readInbound();
    assertThat(FramerCases.describe(noop)).isEqualTo("cmd[a2 NOOP]");
    ReferenceCountUtil.release(noop);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void oversizedNonSynchronisingLiteralIsSkippedNotReadAsCommands() {
    assertThat(frame(SMALL, false, "a1 LOGIN fred {20+}\r\na9 DELETE INBOX\r\nxxxx\r\na2 NOOP\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "cmd[a2 NOOP]");
  }

  @Test
  void appendOverTheLimitAfterLoginIsAMessageTooBig() {
    // APPENDLIMIT (RFC 7889): NO [TOOBIG], not a malformed command; any case of APPEND.
    assertThat(frame(SMALL, true, "a1 APPEND INBOX {5000}\r\na2 append INBOX (\\Seen) {5000}\r\na3 NOOP\r\n"))
        .containsExactly("fail MESSAGE_TOO_BIG a1", "fail MESSAGE_TOO_BIG a2", "cmd[a3 NOOP]");
  }

  @Test
  void oversizedLiteralOfAnotherCommandOrBeforeLoginStaysALiteralTooBig() {
    assertThat(frame(SMALL, true, "a1 APPENDX INBOX {5000}\r\na2 SEARCH TEXT {5000}\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "fail LITERAL_TOO_BIG a2");
    assertThat(frame(SMALL, false, "a1 APPEND INBOX {5000}\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1");
  }

  @Test
  void literalMinusCapsNonSynchronisingLiteralsAfterLogin() {
    // maxNonSyncLiteral is 8 in SMALL; a synchronising literal of the same size is fine.
    assertThat(frame(SMALL, true, "a1 X {9+}\r\n123456789\r\na2 X {9}\r\n123456789\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "+9", "cmd[a2 X {9}|123456789|]");
  }

  @Test
  void literalsAfterOversizedOneInTheSameCommandAreSkippedToo() {
    assertThat(frame(SMALL, false, "a1 X {20+}\r\n01234567890123456789 {3+}\r\nabc\r\na2 NOOP\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "cmd[a2 NOOP]");
  }

  @Test
  void largeLiteralAfterLoginIsStreamedAsChunks() {
    String body = "x".repeat(3000);
    assertThat(frame(SMALL, true, "a1 APPEND INBOX (\\Seen) {3000}\r\n" + body + "\r\na2 NOOP\r\n"))
        .containsExactly(
            "+3000", "cmd[a1 APPEND INBOX (\\Seen) {3000}] stream 3000", "literal:" + body + "$",
            "cont[]", "cmd[a2 NOOP]");
  }

  @Test
  void multiappendStreamsEachLargeMessage() {
    String a = "a".repeat(2000);
    String b = "b".repeat(1500);
    assertThat(frame(SMALL, true, "t APPEND X {2000}\r\n" + a + " (\\Seen) {1500}\r\n" + b + "\r\n"))
        .containsExactly(
            "+2000", "cmd[t APPEND X {2000}] stream 2000", "literal:" + a + "$",
            "+1500", "cont[ (\\Seen) {1500}] stream 1500", "literal:" + b + "$", "cont[]");
  }

  @Test
  void lineLongerThanLimitFailsWithTagAndResyncs() {
    String longLine = "a1 SEARCH " + "X".repeat(1100) + "\r\na2 NOOP\r\n";
    assertThat(frame(SMALL, false, longLine)).containsExactly("fail LINE_TOO_LONG a1", "cmd[a2 NOOP]");
  }

  @Test
  void longLineEndingInNonSyncLiteralStillSkipsTheLiteral() {
    String input = "a1 SEARCH " + "X".repeat(1100) + " {13+}\r\na9 DELETE x\r\n\r\na2 NOOP\r\n";
    assertThat(frame(SMALL, false, input)).containsExactly("fail LINE_TOO_LONG a1", "cmd[a2 NOOP]");
  }

  @Test
  void bareLfFailsTheCommand() {
    assertThat(frame(SMALL, false, "a1 NOOP\na2 NOOP\r\n"))
        .containsExactly("fail BAD_LINE_ENDING a1", "cmd[a2 NOOP]");
  }

  @Test
  void bareCrInsideALineFailsTheCommand() {
    assertThat(frame(SMALL, false, "a1 NO\rOP\r\na2 NOOP\r\n"))
        .containsExactly("fail BAD_LINE_ENDING a1", "cmd[a2 NOOP]");
  }

  @Test
  void tooManyLiteralsInOneCommandFails() {
    ImapLimits two = SMALL.withStructure(2, 8, 100);
    assertThat(frame(two, false, "a1 X {1+}\r\na {1+}\r\nb {1+}\r\nc\r\na2 NOOP\r\n"))
        .containsExactly("fail TOO_MANY_PARAMETERS a1", "cmd[a2 NOOP]");
  }

  @Test
  void commandBytesLimitBoundsInlineLiterals() {
    ImapLimits tight = SMALL.withInline(1024, 1100, 1 << 20);
    String lit = "y".repeat(1000);
    assertThat(frame(tight, true, "a1 X {1000+}\r\n" + lit + " {1000+}\r\n" + lit + "\r\na2 NOOP\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG a1", "cmd[a2 NOOP]");
  }

  @Test
  void everyLimitPipelinedInOneWriteKeepsTheSessionUsable() {
    String input = "a1 NOOP\r\n"
        + "a2 " + "X".repeat(1100) + "\r\n"
        + "a3 LOGIN {99}\r\n"
        + "a4 LOGIN {99+}\r\n" + "z".repeat(99) + "\r\n"
        + "a5 NOOP\n"
        + "a6 LOGIN {2}\r\nab {2}\r\ncd\r\n";
    assertThat(frame(SMALL, false, input))
        .containsExactly(
            "cmd[a1 NOOP]", "fail LINE_TOO_LONG a2", "fail LITERAL_TOO_BIG a3",
            "fail LITERAL_TOO_BIG a4", "fail BAD_LINE_ENDING a5", "+2", "+2",
            "cmd[a6 LOGIN {2}|ab| {2}|cd|]");
  }

  @Test
  void pendingCommandIsReleasedWhenTheChannelCloses() {
    EmbeddedChannel ch = new EmbeddedChannel(new ImapCommandFramer(SMALL));
    ByteBuf in = ByteBufAllocator.DEFAULT.buffer();
    in.writeCharSequence("a1 LOGIN {4}\r\nfr", StandardCharsets.US_ASCII);
    ch.writeInbound(in);
    Object plus = ch.readInbound();
    assertThat(plus).isEqualTo(new ImapContinuationRequest(4));
    ReferenceCountUtil.release(plus);
    ch.finishAndReleaseAll();
    assertThat(in.refCnt()).isZero();
  }

  @Test
  void literalMarkerRecognisesEveryForm() {
    assertThat(marker("a {12}")).isEqualTo("12 sync");
    assertThat(marker("a {12+}")).isEqualTo("12 nonsync");
    assertThat(marker("a {12-}")).isEqualTo("12 nonsync");
    assertThat(marker("a ~{7}")).isEqualTo("7 sync binary");
    assertThat(marker("a {}")).isEqualTo("none");
    assertThat(marker("a {1x}")).isEqualTo("none");
    assertThat(marker("a {1234567890123456789}")).isEqualTo("none");
    assertThat(marker("}")).isEqualTo("none");
  }

  private static String marker(String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    long m = LiteralMarker.parse(b, 0, b.writerIndex());
    if (m == LiteralMarker.NONE) {
      return "none";
    }
    return LiteralMarker.size(m) + (LiteralMarker.nonSync(m) ? " nonsync" : " sync")
        + (LiteralMarker.binary(m) ? " binary" : "");
  }
}
