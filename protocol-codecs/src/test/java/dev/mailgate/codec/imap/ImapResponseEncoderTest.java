package dev.mailgate.codec.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapResponseEncoderTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private static String text(ByteBuf b) {
    try {
      return b.toString(UTF_8);
    } finally {
      b.release();
    }
  }

  @Test
  void taggedResponseWithCode() {
    assertThat(text(ImapResponseEncoder.tagged(ALLOC, "A142", ImapStatus.OK, ResponseCode.READ_WRITE, "SELECT completed")))
        .isEqualTo("A142 OK [READ-WRITE] SELECT completed\r\n");
  }

  @Test
  void greetingWithCapabilities() {
    assertThat(text(ImapResponseEncoder.untagged(ALLOC, ImapStatus.OK,
        ResponseCode.capability(List.of("IMAP4rev1", "IMAP4rev2", "STARTTLS", "LITERAL-")), "mailgate ready")))
        .isEqualTo("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LITERAL-] mailgate ready\r\n");
  }

  @Test
  void uidPlusAndCondstoreCodes() {
    assertThat(ResponseCode.appendUid(38505, SequenceSet.of(3955)).toString()).isEqualTo("APPENDUID 38505 3955");
    assertThat(ResponseCode.copyUid(38505, SequenceSet.ranges(304, 304, 319, 320), SequenceSet.range(3956, 3958)).toString())
        .isEqualTo("COPYUID 38505 304,319:320 3956:3958");
    assertThat(ResponseCode.permanentFlags(List.of("\\Deleted", "\\Seen", "\\*")).toString())
        .isEqualTo("PERMANENTFLAGS (\\Deleted \\Seen \\*)");
    assertThat(ResponseCode.highestModSeq(715194045007L).toString()).isEqualTo("HIGHESTMODSEQ 715194045007");
    assertThat(ResponseCode.uidValidity(3857529045L).toString()).isEqualTo("UIDVALIDITY 3857529045");
  }

  @Test
  void continuationRequest() {
    assertThat(text(ImapResponseEncoder.continuation(ALLOC, "Ready for literal data"))).isEqualTo("+ Ready for literal data\r\n");
  }

  @Test
  void textWithLineBreakIsRejected() {
    assertThatThrownBy(() -> ImapResponseEncoder.tagged(ALLOC, "a1", ImapStatus.OK, null, "x\r\n* BYE"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseCode("ALERT", "x]y")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failureTableAnswersEachError() {
    assertThat(text(ImapResponseEncoder.failure(ALLOC, new DecodeFailure(ProtocolError.LITERAL_TOO_BIG, "a1", "x"))))
        .isEqualTo("a1 BAD [TOOBIG] Command or literal too long\r\n");
    assertThat(text(ImapResponseEncoder.failure(ALLOC, new DecodeFailure(ProtocolError.MESSAGE_TOO_BIG, "a1", "x"))))
        .isEqualTo("a1 NO [TOOBIG] Message too big\r\n");
    assertThat(text(ImapResponseEncoder.failure(ALLOC, DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "x"))))
        .isEqualTo("* BAD [TOOBIG] Command or literal too long\r\n");
    assertThat(text(ImapResponseEncoder.failure(ALLOC, new DecodeFailure(ProtocolError.NESTING_TOO_DEEP, "t", "x"))))
        .isEqualTo("t BAD [LIMIT] Command too complex\r\n");
  }

  @Test
  void stringsAreQuotedOrLiteralByContent() {
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, false);
    w.untagged().atom("X").sp().string("plain").sp().string("a \"q\" \\b").sp().string("line\r\nbreak")
        .sp().string("caf\u00e9").sp().nstring(null).crlf();
    assertThat(text(w.build())).isEqualTo(
        "* X \"plain\" \"a \\\"q\\\" \\\\b\" {11}\r\nline\r\nbreak {5}\r\ncaf\u00e9 NIL\r\n");
  }

  /**
   * A NUL may be in neither a quoted string nor a literal (CHAR8 excludes it, RFC 3501 section
   * 9): a header value holding one (ENVELOPE, BODYSTRUCTURE) goes out with U+FFFD in its place, as
   * Dovecot writes it.
   */
  @Test
  void aNulInAStringIsWrittenAsTheReplacementCharacter() {
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, false);
    w.string("nul\u0000here").sp().string("two\u0000\u0000\r\n");
    assertThat(text(w.build())).isEqualTo("{10}\r\nnul\ufffdhere {11}\r\ntwo\ufffd\ufffd\r\n");
    ImapResponseWriter u = new ImapResponseWriter(ALLOC, true);
    u.string("a\u0000b");
    assertThat(text(u.build())).isEqualTo("\"a\ufffdb\"");
  }

  @Test
  void utf8IsQuotedOnceAccepted() {
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, true);
    w.string("caf\u00e9").sp().mailbox("Entw\u00fcrfe");
    assertThat(text(w.build())).isEqualTo("\"caf\u00e9\" \"Entw\u00fcrfe\"");
  }

  @Test
  void mailboxNamesAreModifiedUtf7WithoutUtf8() {
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, false);
    w.mailbox("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e");
    assertThat(text(w.build())).isEqualTo("\"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"");
  }

  @Test
  void fetchResponseCarriesTheBodyZeroCopy() {
    ByteBuf body = Unpooled.copiedBuffer("Subject: x\r\n\r\nhello\r\n", UTF_8);
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, false);
    w.untagged().number(12).sp().atom("FETCH").sp().open().atom("UID").sp().number(7).sp()
        .atom("BODY[]").sp().literal(body, false).close().crlf();
    ByteBuf out = w.build();
    assertThat(out).isInstanceOf(io.netty.buffer.CompositeByteBuf.class);
    assertThat(text(out)).isEqualTo("* 12 FETCH (UID 7 BODY[] {21}\r\nSubject: x\r\n\r\nhello\r\n)\r\n");
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void encodedFetchDecodesBack() {
    ByteBuf body = Unpooled.copiedBuffer("abc", UTF_8);
    ImapResponseWriter w = new ImapResponseWriter(ALLOC, false);
    w.untagged().number(1).sp().atom("FETCH").sp().open().atom("BINARY[1]").sp().literal(body, true).close().crlf();
    List<String> out = ImapResponseDecoderTest.decode(ImapLimits.DEFAULTS, text(w.build()));
    assertThat(out).containsExactly("Data[1 FETCH [ListValue[items=[Atom[value=BINARY[1]], {3}\"abc\"]]]]");
  }

  @Test
  void modifiedUtf7RoundTripsAndRejectsBadInput() {
    assertThat(ModifiedUtf7.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).isEqualTo("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e");
    assertThat(ModifiedUtf7.encode("a&b")).isEqualTo("a&-b");
    assertThat(ModifiedUtf7.decode("a&-b")).isEqualTo("a&b");
    String s = "Gel\u00f6schte \ud83d\ude00 Objekte";
    assertThat(ModifiedUtf7.decode(ModifiedUtf7.encode(s))).isEqualTo(s);
    assertThatThrownBy(() -> ModifiedUtf7.decode("&U,BTFw")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModifiedUtf7.decode("&AGE-")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModifiedUtf7.decode("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
  }
}
