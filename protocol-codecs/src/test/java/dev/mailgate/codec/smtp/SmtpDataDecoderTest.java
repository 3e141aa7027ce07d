package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.ProtocolError;
import io.netty.channel.ChannelHandler;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
        "DataEnd[size=19, bareLineFeeds=0, bareCarriageReturns=0]", "Quit[]");
  }

  @Test
  void passThroughDotLineInTheMiddleIsNotTheEndWhenStuffed() {
    assertThat(data(PASS, "a\r\n..\r\nb\r\n.\r\n")).containsExactly(
        "Data[]", "C:a\r\n..\r\nb\r\n", "DataEnd[size=10, bareLineFeeds=0, bareCarriageReturns=0]",
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
}
