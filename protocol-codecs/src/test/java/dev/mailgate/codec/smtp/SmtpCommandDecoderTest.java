package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing, modes, pipelining and limits of the server-side decoder; every input in every split. */
class SmtpCommandDecoderTest {
  private static final String F_BAD_ENDING = "F:" + ProtocolError.BAD_LINE_ENDING;
  private static final String F_TOO_LONG = "F:" + ProtocolError.LINE_TOO_LONG;

  @Test
  void appendixD1TypicalTransactionPipelinedInOneWrite() {
    String client = "EHLO bar.com\r\n"
        + "MAIL FROM:<Smith@bar.com>\r\n"
        + "RCPT TO:<Jones@foo.com>\r\n"
        + "RCPT TO:<Green@foo.com>\r\n"
        + "RCPT TO:<Brown@foo.com>\r\n"
        + "DATA\r\n"
        + "Blah blah blah...\r\n"
        + "...etc. etc. etc.\r\n"
        + ".\r\n"
        + "QUIT\r\n";
    assertThat(ServerHarness.decodeAllWays(client)).containsExactly(
        "Ehlo[domain=bar.com]",
        "Mail[from=<Smith@bar.com>, parameters=" + MailParameters.NONE + "]",
        "Rcpt[to=<Jones@foo.com>, parameters=" + RcptParameters.NONE + "]",
        "Rcpt[to=<Green@foo.com>, parameters=" + RcptParameters.NONE + "]",
        "Rcpt[to=<Brown@foo.com>, parameters=" + RcptParameters.NONE + "]",
        "Data[]",
        "C:Blah blah blah...\r\n...etc. etc. etc.\r\n",
        "DataEnd[size=37, bareLineFeeds=0, bareCarriageReturns=0]",
        "Quit[]");
  }

  @Test
  void appendixD3RelayWithSourceRouteIsParsedAndFlagged() {
    List<String> r = ServerHarness.decodeAllWays(
        "EHLO foo.com\r\nMAIL FROM:<JQP@bar.com>\r\nRCPT TO:<@foo.com:Jones@XYZ.COM>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
    assertThat(r).hasSize(7);
    assertThat(r.get(2)).contains("to=<Jones@XYZ.COM>");
    assertThat(r.get(4)).isEqualTo("C:hi\r\n");
    SmtpPath routed = new SmtpPath("Jones", "XYZ.COM", List.of("foo.com"), false);
    assertThat(routed.hasSourceRoute()).isTrue();
  }

  @Test
  void appendixD4VerifyAndSendWithVrfyAndRset() {
    assertThat(ServerHarness.decodeAllWays("HELO bar.com\r\nVRFY Crispin\r\nRSET\r\nQUIT\r\n"))
        .containsExactly("Helo[domain=bar.com]", "Vrfy[argument=Crispin]", "Rset[]", "Quit[]");
  }

  @Test
  void verbsAreCaseInsensitive() {
    assertThat(ServerHarness.decodeAllWays("qUiT\r\nStartTLS\r\n"))
        .containsExactly("Quit[]", "StartTls[]");
  }

  @Test
  void bareLfInCommandLineIsBadLineEndingUpToNextCrlf() {
    // "RCPT TO" after a bare LF must not become a command of its own.
    assertThat(ServerHarness.decodeAllWays("MAIL FROM:<a@b.c>\nRCPT TO:<x@y.z>\r\nNOOP\r\n"))
        .containsExactly(F_BAD_ENDING, "Noop[argument=null]");
  }

  @Test
  void bareCrInCommandLineIsBadLineEnding() {
    assertThat(ServerHarness.decodeAllWays("NOOP a\rb\r\nQUIT\r\n"))
        .containsExactly(F_BAD_ENDING, "Quit[]");
  }

  @Test
  void lineOverLimitIsLineTooLongAndDiscardedToCrlf() {
    String longLine = "NOOP " + "x".repeat(2000) + "\r\n";
    assertThat(ServerHarness.decodeAllWays(longLine + "QUIT\r\n"))
        .containsExactly(F_TOO_LONG, "Quit[]");
  }

  @Test
  void lineOfExactlyTheLimitIsAccepted() {
    String arg = "x".repeat(1000 - "NOOP \r\n".length());
    assertThat(ServerHarness.decodeAllWays("NOOP " + arg + "\r\n"))
        .containsExactly("Noop[argument=" + arg + "]");
    assertThat(ServerHarness.decodeAllWays("NOOP " + arg + "y\r\n")).containsExactly(F_TOO_LONG);
  }

  @Test
  void overlongLineSplitAtCrLfIsResyncedExactly() {
    String longLine = "NOOP " + "x".repeat(994) + "\r" + "\n";
    // 1001 bytes: the CR is byte 1000 so the LF is outside the window
    assertThat(ServerHarness.decodeAllWays(longLine + "RSET\r\n"))
        .containsExactly(F_TOO_LONG, "Rset[]");
  }

  @Test
  void authLineMayUseTheAuthLimit() {
    String ir = "QUJD".repeat(1000); // 4000 octets
    assertThat(ServerHarness.decodeAllWays("AUTH PLAIN " + ir + "\r\nQUIT\r\n"))
        .containsExactly("Auth[mechanism=PLAIN, initialResponse=<redacted>]", "Quit[]");
  }

  @Test
  void authContinuationLinesAreDecodedAsResponses() {
    assertThat(ServerHarness.decodeAllWays("AUTH LOGIN\r\ndXNlcg==\r\nNOOP\r\nAUTH LOGIN\r\n*\r\n"))
        .containsExactly("Auth[mechanism=LOGIN]", "AuthResponse[<redacted>]", "Noop[argument=null]",
            "Auth[mechanism=LOGIN]", "AuthResponse[cancelled]");
  }

  @Test
  void overlongAuthResponseIsLineTooLongAndCommandsResumeAfterIt() {
    String response = "QUJD".repeat(SmtpLimits.DEFAULTS.maxAuthLineLength() / 4 + 10);
    assertThat(ServerHarness.decodeAllWays("AUTH LOGIN\r\n" + response + "\r\nNOOP\r\nQUIT\r\n"))
        .containsExactly("Auth[mechanism=LOGIN]", F_TOO_LONG, "Noop[argument=null]", "Quit[]");
  }

  @Test
  void resumingWhileAnOverlongAuthResponseIsDroppedDropsItToTheEnd() {
    SmtpCommandDecoder decoder = new SmtpCommandDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("AUTH LOGIN\r\n"));
      assertThat(drain(ch)).singleElement().isInstanceOf(SmtpCommand.Auth.class);
      decoder.expectAuthResponse();
      ch.writeInbound(ascii("x".repeat(SmtpLimits.DEFAULTS.maxAuthLineLength() + 100)));
      assertThat(drain(ch)).singleElement().extracting(o -> ((DecodeFailure) o).error())
          .isEqualTo(ProtocolError.LINE_TOO_LONG);
      decoder.resumeCommands(); // the session answers 500 5.5.6 and carries on
      ch.runPendingTasks();
      ch.writeInbound(ascii("xxQUIT\r\nNOOP\r\n")); // the end of the long line is not a command
      ch.runPendingTasks();
      assertThat(drain(ch)).singleElement().isInstanceOf(SmtpCommand.Noop.class);
      assertThat(decoder.isPaused()).isFalse();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void badBase64AuthResponseIsBadEncoding() {
    assertThat(ServerHarness.decodeAllWays("AUTH LOGIN\r\n!!!!\r\nQUIT\r\n"))
        .containsExactly("Auth[mechanism=LOGIN]", "F:" + ProtocolError.BAD_ENCODING, "Quit[]");
  }

  @Test
  void bdatChunkIsExactlyNOctetsAndCommandsFollow() {
    assertThat(ServerHarness.decodeAllWays(
        "BDAT 5\r\nab\r\nxBDAT 0 LAST\r\nQUIT\r\n"))
        .containsExactly("Bdat[size=5, last=false]", "C:ab\r\nx", "BdatEnd[size=5, last=false]",
            "Bdat[size=0, last=true]", "BdatEnd[size=0, last=true]", "Quit[]");
  }

  @Test
  void bdatChunkOverChunkLimitIsReadAndDropped() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxBdatChunkSize(4);
    assertThat(ServerHarness.decodeAllWays(
        ServerHarness.server(limits, SmtpDataDecoder.Mode.PASS_THROUGH),
        "BDAT 6 LAST\r\nQUIT\r\nNOOP\r\n"))
        .containsExactly("Bdat[size=6, last=true]", "F:" + ProtocolError.CHUNK_TOO_BIG,
            "Noop[argument=null]");
  }

  @Test
  void bdatChunksOverMessageLimitGiveMessageTooBig() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxDataSize(6);
    assertThat(ServerHarness.decodeAllWays(
        ServerHarness.server(limits, SmtpDataDecoder.Mode.PASS_THROUGH),
        "BDAT 4\r\nabcdBDAT 4 LAST\r\nefghRSET\r\n"))
        .containsExactly("Bdat[size=4, last=false]", "C:abcd", "BdatEnd[size=4, last=false]",
            "Bdat[size=4, last=true]", "F:" + ProtocolError.MESSAGE_TOO_BIG, "Rset[]");
  }

  @Test
  void starttlsDiscardsPipelinedPlaintext() {
    // Only what arrived with STARTTLS is plaintext to drop; later reads come through TLS.
    List<String> r = ServerHarness.merge(dev.mailgate.codec.testing.Splits.decode(
        ServerHarness.server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH),
        List.of("STARTTLS\r\nMAIL FROM:<evil@x.y>\r\n".getBytes(StandardCharsets.US_ASCII),
            "EHLO after.tls\r\n".getBytes(StandardCharsets.US_ASCII)),
        ServerHarness::describe));
    assertThat(r).containsExactly("StartTls[]", "Ehlo[domain=after.tls]");
  }

  @Test
  void pausedDecoderDecodesNothingUntilTheSessionDecides() {
    SmtpCommandDecoder decoder = new SmtpCommandDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n"));
      assertThat((Object) ch.readInbound()).isInstanceOf(SmtpCommand.Data.class);
      assertThat((Object) ch.readInbound()).isNull();
      assertThat(decoder.isPaused()).isTrue();
      decoder.startData(); // asynchronous decision: decoding resumes in a task
      ch.runPendingTasks();
      List<Object> rest = drain(ch);
      assertThat(rest).hasSize(3);
      assertThat(rest.get(1)).isInstanceOf(DataEnd.class);
      assertThat(rest.get(2)).isInstanceOf(SmtpCommand.Quit.class);
      rest.forEach(ReferenceCountUtil::release);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void rejectedDataLeavesFollowingLinesAsCommands() {
    SmtpCommandDecoder decoder = new SmtpCommandDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("DATA\r\nRSET\r\n"));
      assertThat((Object) ch.readInbound()).isInstanceOf(SmtpCommand.Data.class);
      decoder.resumeCommands(); // 554 No valid recipients
      ch.runPendingTasks();
      assertThat((Object) ch.readInbound()).isInstanceOf(SmtpCommand.Rset.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aFloodBeyondThePipeliningBudgetIsHeldWithReadsOffAndDecodedInFullAsMessagesAreHandled() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxPipelinedBytes(12); // two NOOP lines
    SmtpCommandDecoder decoder = new SmtpCommandDecoder(limits, SmtpDataDecoder.Mode.PASS_THROUGH);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("NOOP\r\n".repeat(5) + "QUIT\r\n"));
      assertThat(drain(ch)).hasSize(2).allMatch(m -> m instanceof SmtpCommand.Noop);
      assertThat(ch.config().isAutoRead()).as("reads stop while the budget is spent").isFalse();
      assertThat(decoder.outstandingBytes()).isEqualTo(12);
      List<Object> rest = new ArrayList<>();
      for (int answered = 0; answered < 6; answered++) {
        decoder.messageHandled();
        ch.runPendingTasks();
        rest.addAll(drain(ch));
      }
      assertThat(rest).hasSize(4);
      assertThat(rest.subList(0, 3)).allMatch(m -> m instanceof SmtpCommand.Noop);
      assertThat(rest.get(3)).isInstanceOf(SmtpCommand.Quit.class);
      assertThat(decoder.outstandingBytes()).isZero();
      assertThat(ch.config().isAutoRead()).as("reads resume once answered").isTrue();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void tenThousandPipelinedCommandsInOneWriteAreAllDecodedInOrderBehindASessionThatAnswersEach() {
    StringBuilder flood = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      flood.append(i % 2 == 0 ? "NOOP\r\n" : "RCPT TO:<r" + i + "@example.test>\r\n");
    }
    EmbeddedChannel ch = new EmbeddedChannel(
        ServerHarness.server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH).get());
    try {
      ch.writeInbound(ascii(flood.toString()));
      ch.runPendingTasks();
      List<Object> out = drain(ch);
      assertThat(out).hasSize(10_000).noneMatch(m -> m instanceof DecodeFailure);
      assertThat(((SmtpCommand.Rcpt) out.get(9_999)).to().localPart()).isEqualTo("r9999");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aPausedDecoderStopsReadsOnceItHoldsABudgetAndReadsAgainWhenTheSessionDecides() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxPipelinedBytes(16);
    SmtpCommandDecoder decoder = new SmtpCommandDecoder(limits, SmtpDataDecoder.Mode.PASS_THROUGH);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("DATA\r\n"));
      assertThat(drain(ch)).singleElement().isInstanceOf(SmtpCommand.Data.class);
      decoder.messageHandled();
      ch.writeInbound(ascii("Subject: pipelined too early\r\n"));
      assertThat(decoder.isPaused()).isTrue();
      assertThat(drain(ch)).as("nothing dropped, nothing decoded").isEmpty();
      assertThat(ch.config().isAutoRead()).isFalse();
      decoder.startData();
      ch.runPendingTasks();
      assertThat(drain(ch)).singleElement().isInstanceOf(SmtpContent.class);
      assertThat(ch.config().isAutoRead()).isTrue();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void tooManyErrorsStopsDecoding() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxErrors(3);
    SmtpCommandDecoder decoder = new SmtpCommandDecoder(limits, SmtpDataDecoder.Mode.PASS_THROUGH);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(ascii("X\r\nY\r\nZ\r\nQUIT\r\n"));
      List<Object> out = drain(ch);
      assertThat(out).hasSize(3).allMatch(o -> o instanceof DecodeFailure);
      assertThat(decoder.tooManyErrors()).isTrue();
      ch.writeInbound(ascii("QUIT\r\n"));
      assertThat(drain(ch)).isEmpty();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void everyLimitPipelinedInOneWriteKeepsTheSessionUsable() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxDataSize(10).withMaxEsmtpParameters(2)
        .withMaxBdatChunkSize(3);
    String input = "NOOP " + "x".repeat(1200) + "\r\n"
        + "MAIL FROM:<a@b.c> A B C\r\n"
        + "DATA\r\n0123456789ABCDEF\r\n.\r\n"
        + "BDAT 4\r\nwxyz"
        + "NOOP a\nb\r\n"
        + "QUIT\r\n";
    assertThat(ServerHarness.decodeAllWays(ServerHarness.server(limits, SmtpDataDecoder.Mode.PASS_THROUGH), input))
        .containsExactly(F_TOO_LONG, "F:" + ProtocolError.TOO_MANY_PARAMETERS, "Data[]",
            "F:" + ProtocolError.MESSAGE_TOO_BIG, "Bdat[size=4, last=false]",
            "F:" + ProtocolError.CHUNK_TOO_BIG, F_BAD_ENDING, "Quit[]");
  }

  @Test
  void limitsRejectUnsafeValues() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new SmtpLimits(100, 12288, 1, 1, 1, 1, 1, 512, 1, false));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> SmtpLimits.DEFAULTS.withMaxDataSize(0));
  }

  static io.netty.buffer.ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  static List<Object> drain(EmbeddedChannel ch) {
    List<Object> out = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }
}
