package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.testing.Splits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** DATA content: the terminator, dot-stuffing in both modes, smuggling, bare line endings, size. */
class SmtpDataDecoderTest {
  private static final Supplier<ChannelHandler> PASS =
      ServerHarness.server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH);
  private static final Supplier<ChannelHandler> UNSTUFF =
      ServerHarness.server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.UNSTUFF);
  private static final Supplier<ChannelHandler> LENIENT = ServerHarness.server(
      SmtpLimits.DEFAULTS.withAllowBareLineEndingsInData(true), SmtpDataDecoder.Mode.PASS_THROUGH);

  private static List<String> data(Supplier<ChannelHandler> server, String content) {
    return ServerHarness.decodeAllWays(server, "DATA\r\n" + content + "QUIT\r\n");
  }

  @Test
  void emptyMessageEndsAtDotCrlfRightAfterData() {
    assertThat(data(PASS, ".\r\n")).containsExactly(
        "Data[]", "DataEnd[size=0, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  @Test
  void passThroughKeepsDotStuffingExactly() {
    assertThat(data(PASS, "..leading\r\n..\r\nx.\r\n.\r\n")).containsExactly(
        "Data[]", "C:..leading\r\n..\r\nx.\r\n",
        "DataEnd[size=17, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  @Test
  void passThroughDotLineInTheMiddleIsNotTheEndWhenStuffed() {
    assertThat(data(PASS, "a\r\n..\r\nb\r\n.\r\n")).containsExactly(
        "Data[]", "C:a\r\n..\r\nb\r\n", "DataEnd[size=9, bareLineFeeds=0, bareCarriageReturns=0]",
        "Quit[]");
  }

  @Test
  void unstuffRemovesTheLeadingDotOfStuffedLines() {
    assertThat(data(UNSTUFF, "..leading\r\n..\r\nx.\r\n...\r\n.\r\n")).containsExactly(
        "Data[]", "C:.leading\r\n.\r\nx.\r\n..\r\n",
        "DataEnd[size=21, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  @Test
  void unstuffOnFirstLine() {
    assertThat(data(UNSTUFF, ".x\r\n.\r\n")).containsExactly(
        "Data[]", "C:x\r\n", "DataEnd[size=3, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  static Stream<Arguments> smuggling() {
    return Stream.of(
        Arguments.of("LF.LF", "a\n.\nMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("CR.CR", "a\r.\rMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("LF.CRLF", "a\n.\r\nMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("CR.CRLF", "a\r.\r\nMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("CRLF.LF", "a\r\n.\nMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("CRLF.CR", "a\r\n.\rMAIL FROM:<x@y.z>\r\n"),
        Arguments.of("CRLF.CRCRLF", "a\r\n.\r\r\nMAIL FROM:<x@y.z>\r\n"));
  }

  @ParameterizedTest(name = "{0} never ends the message")
  @MethodSource("smuggling")
  void smugglingSequencesNeverEndTheMessage(String name, String content) {
    // lenient mode: the bytes pass as content, the smuggled MAIL stays inside the message
    List<String> r = data(LENIENT, content + ".\r\n");
    assertThat(r).hasSize(4);
    assertThat(r.get(1)).isEqualTo("C:" + content);
    assertThat(r.get(2)).startsWith("DataEnd[").doesNotContain("bareLineFeeds=0, bareCarriageReturns=0");
    assertThat(r.get(3)).isEqualTo("Quit[]");
  }

  @ParameterizedTest(name = "{0} fails the message by default")
  @MethodSource("smuggling")
  void bareLineEndingsFailTheMessageByDefault(String name, String content) {
    assertThat(data(PASS, content + ".\r\n"))
        .containsExactly("Data[]", "F:" + ProtocolError.BAD_LINE_ENDING, "Quit[]");
  }

  @Test
  void bareLineEndingsAreCounted() {
    assertThat(data(LENIENT, "a\nb\rc\r\r\n.\r\n")).containsExactly(
        "Data[]", "C:a\nb\rc\r\r\n", "DataEnd[size=8, bareLineFeeds=1, bareCarriageReturns=2]",
        "Quit[]");
  }

  @Test
  void passThroughSizeLimitCountsTheMessageNotItsStuffingDots() {
    // "..ab" is the 3-octet line ".ab": 4 + 4 + 2 message octets, 2 stuffing dots on the wire
    String stuffed = "..ab\r\n..cd\r\n.\r\n";
    for (SmtpDataDecoder.Mode mode : SmtpDataDecoder.Mode.values()) {
      Supplier<ChannelHandler> ten = ServerHarness.server(SmtpLimits.DEFAULTS.withMaxDataSize(10), mode);
      assertThat(data(ten, stuffed)).as(mode.name()).contains("DataEnd[size=10, bareLineFeeds=0, bareCarriageReturns=0]");
      Supplier<ChannelHandler> nine = ServerHarness.server(SmtpLimits.DEFAULTS.withMaxDataSize(9), mode);
      assertThat(data(nine, stuffed)).as(mode.name())
          .containsExactly("Data[]", "F:" + ProtocolError.MESSAGE_TOO_BIG, "Quit[]");
    }
  }

  @Test
  void messageOverLimitIsDiscardedToTheTerminator() {
    Supplier<ChannelHandler> small = ServerHarness.server(
        SmtpLimits.DEFAULTS.withMaxDataSize(8), SmtpDataDecoder.Mode.PASS_THROUGH);
    assertThat(data(small, "0123456789\r\nmore\r\n.\r\n"))
        .containsExactly("Data[]", "F:" + ProtocolError.MESSAGE_TOO_BIG, "Quit[]");
    assertThat(data(small, "012345\r\n.\r\n")).containsExactly(
        "Data[]", "C:012345\r\n", "DataEnd[size=8, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  @Test
  void bigBodyWithManyStuffedLinesSurvivesEverySplit() {
    StringBuilder body = new StringBuilder();
    StringBuilder unstuffed = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      String line = (i % 7 == 0 ? "." : "") + "line " + i + " " + "y".repeat(i % 50);
      body.append(i % 7 == 0 ? "." : "").append(line).append("\r\n");
      unstuffed.append(line).append("\r\n");
    }
    List<String> r = data(UNSTUFF, body + ".\r\n");
    assertThat(r.get(1)).isEqualTo("C:" + unstuffed);
  }

  /** The wire bytes of a message and the content each mode must deliver for them. */
  private record Message(byte[] wire, byte[] passThrough, byte[] unstuffed) {
    static Message of(int size, int stuffOneIn) {
      Random random = new Random(size);
      ByteArrayOutputStream wire = new ByteArrayOutputStream(size + 100);
      ByteArrayOutputStream unstuffed = new ByteArrayOutputStream(size + 100);
      byte[] line = new byte[76];
      line[74] = '\r';
      line[75] = '\n';
      boolean first = true;
      while (wire.size() < size - 80) {
        for (int i = 0; i < 74; i++) {
          line[i] = (byte) ('a' + random.nextInt(26));
        }
        if (first || random.nextInt(stuffOneIn) == 0) {
          line[0] = '.';
          wire.write('.');
        }
        first = false;
        wire.write(line, 0, line.length);
        unstuffed.write(line, 0, line.length);
      }
      byte[] body = wire.toByteArray();
      wire.write('.');
      wire.write('\r');
      wire.write('\n');
      return new Message(wire.toByteArray(), body, unstuffed.toByteArray());
    }
  }

  private record Chunks(int reads, int chunks, byte[] content) {}

  /** DATA then {@code wire} in reads of {@code readSize}, as a socket would deliver it. */
  private static Chunks readInPieces(SmtpDataDecoder.Mode mode, byte[] wire, int readSize) {
    SmtpCommandDecoder decoder =
        new SmtpCommandDecoder(SmtpLimits.DEFAULTS.withMaxDataSize(64L << 20), mode);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ch.writeInbound(Unpooled.copiedBuffer("DATA\r\n", StandardCharsets.US_ASCII));
    ReferenceCountUtil.release(ch.readInbound());
    decoder.startData();
    ByteArrayOutputStream content = new ByteArrayOutputStream(wire.length);
    int reads = 0;
    int chunks = 0;
    boolean ended = false;
    for (int at = 0; at < wire.length; at += readSize) {
      ch.writeInbound(Unpooled.wrappedBuffer(wire, at, Math.min(readSize, wire.length - at)));
      reads++;
      Object m;
      while ((m = ch.readInbound()) != null) {
        try {
          if (m instanceof SmtpContent c) {
            chunks++;
            content.writeBytes(Splits.bytes(c.content()));
          } else {
            assertThat(m).isInstanceOf(DataEnd.class);
            ended = true;
          }
        } finally {
          ReferenceCountUtil.release(m);
        }
      }
    }
    assertThat(ch.finishAndReleaseAll()).isFalse();
    assertThat(ended).as("DataEnd").isTrue();
    return new Chunks(reads, chunks, content.toByteArray());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SmtpDataDecoder.Mode.class)
  void tenMegabytesIn64KReadsComeOutAsOneChunkPerRead(SmtpDataDecoder.Mode mode) {
    Message m = Message.of(10 << 20, 50);
    Chunks r = readInPieces(mode, m.wire(), 64 * 1024);
    assertThat(r.content())
        .isEqualTo(mode == SmtpDataDecoder.Mode.UNSTUFF ? m.unstuffed() : m.passThrough());
    assertThat(r.chunks()).isLessThanOrEqualTo(r.reads());
  }

  @Test
  void unstuffingEveryLineStillGivesFewChunks() {
    Message m = Message.of(1 << 20, 1);
    Chunks r = readInPieces(SmtpDataDecoder.Mode.UNSTUFF, m.wire(), 64 * 1024);
    assertThat(r.content()).isEqualTo(m.unstuffed());
    int dots = m.wire().length - m.unstuffed().length - 3;
    assertThat(r.chunks()).isLessThanOrEqualTo(r.reads() + dots / SmtpDataDecoder.MAX_PIECES);
  }
}
