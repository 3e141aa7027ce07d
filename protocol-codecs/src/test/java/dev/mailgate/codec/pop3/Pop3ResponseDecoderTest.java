package dev.mailgate.codec.pop3;

import static dev.mailgate.codec.pop3.Pop3Describe.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class Pop3ResponseDecoderTest {

  static Supplier<ChannelHandler> decoder(MultiLineBodyDecoder.Mode mode, boolean... multi) {
    return () -> {
      Pop3ResponseDecoder d = new Pop3ResponseDecoder(Pop3Limits.DEFAULTS, mode);
      for (boolean m : multi) {
        d.expect(m);
      }
      return d;
    };
  }

  /** Decodes every split and joins adjacent body chunks, which may be cut anywhere. */
  static List<String> decode(Supplier<ChannelHandler> decoder, String input) {
    List<List<String>> results = new ArrayList<>();
    for (List<byte[]> way : Splits.allSplits(ascii(input), 42)) {
      List<String> joined = joinBodies(Splits.decode(decoder, way, Pop3Describe::describe));
      if (!results.contains(joined)) {
        results.add(joined);
      }
    }
    assertThat(results).as("every split decodes alike").hasSize(1);
    return results.get(0);
  }

  static List<String> joinBodies(List<String> in) {
    List<String> out = new ArrayList<>();
    for (String s : in) {
      int last = out.size() - 1;
      if (s.startsWith("BODY ") && last >= 0 && out.get(last).startsWith("BODY ")) {
        out.set(last, out.get(last) + s.substring(5));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void aNulInAContinuationLineIsAFailureAndTheNextLineStillDecodes() {
    String wire = "+ abc\0def\r\n+OK fine\r\n";
    List<String> out = decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF, false, false), wire);
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).contains("BAD_CHARACTER");
    assertThat(out.get(1)).isEqualTo("Status[ok=true, code=null, text=fine]");
  }

  @Test
  void rfc1939RetrExampleIsUnstuffed() {
    String wire = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"
        + "+OK 120 octets\r\nSubject: hi\r\n\r\n..leading dot\r\nend.\r\n.\r\n"
        + "+OK dewey POP3 server signing off\r\n";
    assertThat(decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF, false, true, false), wire))
        .containsExactly(
            "Status[ok=true, code=null, text=POP3 server ready <1896.697170952@dbc.mtview.ca.us>]",
            "Status[ok=true, code=null, text=120 octets]",
            "BODY Subject: hi\r\n\r\n.leading dot\r\nend.\r\n",
            "BodyEnd",
            "Status[ok=true, code=null, text=dewey POP3 server signing off]");
  }

  @Test
  void passThroughKeepsTheStuffing() {
    String wire = "+OK\r\n..a\r\n.\r\n";
    assertThat(decode(decoder(MultiLineBodyDecoder.Mode.PASS_THROUGH, true), wire))
        .containsExactly("Status[ok=true, code=null, text=]", "BODY ..a\r\n", "BodyEnd");
  }

  @Test
  void errorToAMultiLineCommandHasNoBody() {
    assertThat(decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF, true, false),
            "-ERR [SYS/TEMP] no such message\r\n+OK 2 320\r\n"))
        .containsExactly("Status[ok=false, code=SYS/TEMP, text=no such message]",
            "Status[ok=true, code=null, text=2 320]");
  }

  @Test
  void continuationsDoNotUseUpTheExpectation() {
    assertThat(decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF, false, true),
            "+ VXNlcm5hbWU6\r\n+\r\n+OK logged in\r\n+OK\r\nTOP\r\n.\r\n"))
        .containsExactly("Continuation[base64=VXNlcm5hbWU6]", "Continuation[base64=]",
            "Status[ok=true, code=null, text=logged in]", "Status[ok=true, code=null, text=]",
            "BODY TOP\r\n", "BodyEnd");
  }

  @Test
  void onlyCrlfDotCrlfEndsTheBody() {
    String wire = "+OK\r\nA\n.\r\nB\r.\r\nC\r\n.x\r\n.\r\n";
    assertThat(decode(decoder(MultiLineBodyDecoder.Mode.PASS_THROUGH, true), wire))
        .containsExactly("Status[ok=true, code=null, text=]", "BODY A\n.\r\nB\r.\r\nC\r\n.x\r\n", "BodyEnd");
  }

  @Test
  void respCodeIsRecognised() {
    List<Object> msgs = new ArrayList<>();
    Splits.decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF), List.of(ascii("-ERR [LOGIN-DELAY] wait\r\n")),
        m -> msgs.add(m));
    assertThat(((Pop3Response.Status) msgs.get(0)).respCode()).isEqualTo(Pop3RespCode.LOGIN_DELAY);
  }

  @Test
  void malformedStatusLinesFailAndResync() {
    Supplier<ChannelHandler> d = decoder(MultiLineBodyDecoder.Mode.UNSTUFF);
    assertThat(decode(d, "+OK bare\n+OK\r\n")).containsExactly("FAIL BAD_LINE_ENDING", "Status[ok=true, code=null, text=]");
    assertThat(decode(d, "* OK imap?\r\n+OK\r\n")).containsExactly("FAIL SYNTAX", "Status[ok=true, code=null, text=]");
    assertThat(decode(d, "+OK " + "x".repeat(600) + "\r\n+OK\r\n"))
        .containsExactly("FAIL LINE_TOO_LONG", "Status[ok=true, code=null, text=]");
  }

  @Test
  void stuffedBodiesRoundTripAtEverySplit() {
    Random random = new Random(7);
    String[] lines = {".", "..", ".x", "x.", "", "plain text", ".\r", "\r", "From x"};
    for (int round = 0; round < 20; round++) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        body.append(lines[random.nextInt(lines.length)]).append("\r\n");
      }
      String original = body.toString();
      // encode through the stuffer in random chunks
      DotStuffer stuffer = new DotStuffer();
      ByteBuf wire = Unpooled.buffer();
      wire.writeBytes(ascii("+OK\r\n"));
      byte[] raw = ascii(original);
      int at = 0;
      while (at < raw.length) {
        int n = Math.min(raw.length - at, 1 + random.nextInt(8));
        ByteBuf piece = Unpooled.wrappedBuffer(raw, at, n);
        ByteBuf stuffed = stuffer.stuff(piece, ByteBufAllocator.DEFAULT);
        wire.writeBytes(stuffed);
        stuffed.release();
        piece.release();
        at += n;
      }
      stuffer.writeTerminator(wire);
      String wireText = wire.toString(StandardCharsets.ISO_8859_1);
      wire.release();
      assertThat(decode(decoder(MultiLineBodyDecoder.Mode.UNSTUFF, true), wireText))
          .containsExactly("Status[ok=true, code=null, text=]", "BODY " + original, "BodyEnd");
    }
  }
}
