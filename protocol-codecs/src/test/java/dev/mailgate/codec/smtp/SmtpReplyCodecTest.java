package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies both ways: the server's encoder and the backend leg's decoder and EHLO parser. */
class SmtpReplyCodecTest {

  private static List<String> decode(SmtpLimits limits, String input) {
    List<List<String>> ways = Splits.decodeEveryWay(() -> new SmtpReplyDecoder(limits),
        input.getBytes(StandardCharsets.UTF_8),
        m -> m instanceof DecodeFailure f ? "F:" + f.error() : m.toString());
    assertThat(ways).as("every split agrees").hasSize(1);
    return ways.get(0);
  }

  private static List<String> decode(String input) {
    return decode(SmtpLimits.DEFAULTS, input);
  }

  /**
   * {@link SmtpReplyDecoder#decodeAvailable} with the caller keeping the bytes of an incomplete
   * line, as the relay's backend reader does: pieces of {@code size} bytes.
   */
  private static List<String> decodeOutsideAPipeline(String input, int size) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    SmtpReplyDecoder decoder = new SmtpReplyDecoder(SmtpLimits.DEFAULTS);
    List<Object> out = new java.util.ArrayList<>();
    ByteBuf kept = null;
    for (int i = 0; i < bytes.length; i += size) {
      ByteBuf piece = Unpooled.copiedBuffer(bytes, i, Math.min(size, bytes.length - i));
      ByteBuf in = kept == null ? piece
          : io.netty.handler.codec.ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(piece.alloc(), kept, piece);
      decoder.decodeAvailable(in, out);
      if (in.isReadable()) {
        kept = in;
      } else {
        in.release();
        kept = null;
      }
    }
    assertThat(kept).as("nothing left after complete replies").isNull();
    return out.stream().map(m -> m instanceof DecodeFailure f ? "F:" + f.error() : m.toString()).toList();
  }

  @Test
  void decodingOutsideAPipelineGivesWhatThePipelineGivesInEverySplit() {
    String input = "220 mx ready\r\n250-mx.example.org Hello\r\n250-SIZE 1000\r\n250 PIPELINING\r\n"
        + "250 2.1.0 Ok\r\n550-5.1.1 No such user\r\n550 5.1.1 here\r\n250 ok\n250 smuggled\r\n"
        + "250-" + "x".repeat(5000) + "\r\n250 end\r\n354 go\r\n";
    List<String> expected = decode(input);
    for (int size : new int[] {1, 2, 3, 7, 64, 1000, input.length()}) {
      assertThat(decodeOutsideAPipeline(input, size)).as("pieces of %d bytes", size).isEqualTo(expected);
    }
  }

  @Test
  void enhancedCodesParseDigitByDigitAndTheCommonOnesAreShared() {
    assertThat(EnhancedStatusCode.parse("4.7.123")).isEqualTo(new EnhancedStatusCode(4, 7, 123));
    assertThat(EnhancedStatusCode.parse("5.10.0")).isEqualTo(new EnhancedStatusCode(5, 10, 0));
    assertThat(EnhancedStatusCode.parse("2.0.0")).isSameAs(EnhancedStatusCode.parse("2.0.0"))
        .isEqualTo(new EnhancedStatusCode(2, 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatusCode.parse("2.0"));
    assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatusCode.parse("3.0.0"));
    assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatusCode.parse("2.0.0x"));
    assertThat(decode("452-4.5.3 one\r\n452 4.5.30 two\r\n")).containsExactly(
        new SmtpReply(452, EnhancedStatusCode.parse("4.5.3"), List.of("one", "4.5.30 two")).toString());
  }

  @Test
  void multiLineReplyIsOneRecordWithEnhancedCodeLifted() {
    assertThat(decode("250-mx.example.org Hello\r\n250-SIZE 1000\r\n250 PIPELINING\r\n"))
        .containsExactly(new SmtpReply(250, null,
            List.of("mx.example.org Hello", "SIZE 1000", "PIPELINING")).toString());
    assertThat(decode("550-5.1.1 No such user\r\n550 5.1.1 here\r\n")).containsExactly(
        SmtpReply.of(550, "5.1.1", "No such user", "here").toString());
  }

  @Test
  void codeAloneAndIntermediateRepliesDecode() {
    assertThat(decode("250\r\n354 End data with <CR><LF>.<CR><LF>\r\n334 \r\n")).containsExactly(
        new SmtpReply(250, "").toString(),
        new SmtpReply(354, "End data with <CR><LF>.<CR><LF>").toString(),
        new SmtpReply(334, "").toString());
  }

  @Test
  void enhancedCodeOfAnotherClassStaysText() {
    assertThat(decode("250 5.1.1 odd\r\n")).containsExactly(new SmtpReply(250, "5.1.1 odd").toString());
  }

  @Test
  void mismatchedCodesInOneReplyAreSyntaxAndTheReplyIsSkipped() {
    assertThat(decode("250-a\r\n251-b\r\n250 c\r\n220 next\r\n"))
        .containsExactly("F:" + ProtocolError.SYNTAX, new SmtpReply(220, "next").toString());
  }

  @Test
  void bareLfInReplyIsBadLineEnding() {
    assertThat(decode("250 ok\n250 smuggled\r\n220 next\r\n"))
        .containsExactly("F:" + ProtocolError.BAD_LINE_ENDING, new SmtpReply(220, "next").toString());
  }

  @Test
  void garbageLineIsSyntax() {
    assertThat(decode("hello\r\n199 x\r\n250 ok\r\n"))
        .containsExactly("F:SYNTAX", "F:SYNTAX", new SmtpReply(250, "ok").toString());
  }

  @Test
  void overlongReplyLineIsDroppedUnbuffered() {
    assertThat(decode("250-" + "x".repeat(5000) + "\r\n250 end\r\n220 next\r\n"))
        .containsExactly("F:" + ProtocolError.LINE_TOO_LONG, new SmtpReply(220, "next").toString());
  }

  @Test
  void tooManyReplyLinesIsBounded() {
    SmtpLimits limits = SmtpLimits.DEFAULTS.withMaxReplyLines(2);
    assertThat(decode(limits, "250-a\r\n250-b\r\n250-c\r\n250 d\r\n220 x\r\n"))
        .containsExactly("F:" + ProtocolError.TOO_MANY_PARAMETERS, new SmtpReply(220, "x").toString());
  }

  @Test
  void replyEncoderWritesContinuationLinesAndEnhancedCodes() {
    ByteBuf out = Unpooled.buffer();
    SmtpReplyEncoder.encode(SmtpReply.of(250, "2.0.0", "first", "second"), out);
    SmtpReplyEncoder.encode(new SmtpReply(354, "go ahead"), out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("250-2.0.0 first\r\n250 2.0.0 second\r\n354 go ahead\r\n");
    out.release();
  }

  @Test
  void encodedRepliesDecodeToTheSameRecord() {
    SmtpReply reply = SmtpReply.of(452, "4.5.3", "Too many recipients", "try later");
    ByteBuf out = Unpooled.buffer();
    SmtpReplyEncoder.encode(reply, out);
    assertThat(decode(out.toString(StandardCharsets.UTF_8))).containsExactly(reply.toString());
    out.release();
  }

  @Test
  void replyRecordRejectsBadCodesAndInjectedLines() {
    assertThatIllegalArgumentException().isThrownBy(() -> new SmtpReply(199, "x"));
    assertThatIllegalArgumentException().isThrownBy(() -> new SmtpReply(600, "x"));
    assertThatIllegalArgumentException().isThrownBy(() -> new SmtpReply(250, "a\r\n250 b"));
    assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.of(250, "5.0.0", "x"));
    assertThatIllegalArgumentException().isThrownBy(() -> new SmtpReply(250, null, List.of()));
  }

  @Test
  void ehloCapabilitiesAreTyped() {
    SmtpReply reply = new SmtpReply(250, null, List.of("mx.example.org", "PIPELINING",
        "SIZE 10240000", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS",
        "AUTH PLAIN LOGIN", "AUTH=LOGIN", "XCLIENT NAME ADDR PROTO HELO LOGIN", "DSN"));
    EhloCapabilities caps = EhloCapabilities.parse(reply);
    assertThat(caps.greeting()).isEqualTo("mx.example.org");
    assertThat(caps.maxSize()).isEqualTo(10240000);
    assertThat(caps.pipelining()).isTrue();
    assertThat(caps.eightBitMime()).isTrue();
    assertThat(caps.smtpUtf8()).isTrue();
    assertThat(caps.enhancedStatusCodes()).isTrue();
    assertThat(caps.chunking()).isTrue();
    assertThat(caps.binaryMime()).isFalse();
    assertThat(caps.startTls()).isTrue();
    assertThat(caps.dsn()).isTrue();
    assertThat(caps.authMechanisms()).containsExactly("PLAIN", "LOGIN");
    assertThat(caps.xclientAttributes()).containsExactly("NAME", "ADDR", "PROTO", "HELO", "LOGIN");
    assertThat(EhloCapabilities.parse(new SmtpReply(250, "x")).maxSize()).isEqualTo(-1);
  }
}
