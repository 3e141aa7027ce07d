package dev.mailgate.codec.pop3;

import static dev.mailgate.codec.pop3.Pop3Describe.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3ResponseEncoderTest {

  static String encode(Object... msgs) {
    EmbeddedChannel ch = new EmbeddedChannel(new Pop3ResponseEncoder());
    StringBuilder sb = new StringBuilder();
    try {
      for (Object m : msgs) {
        ch.writeOutbound(m);
      }
      ByteBuf b;
      while ((b = ch.readOutbound()) != null) {
        sb.append(b.toString(StandardCharsets.ISO_8859_1));
        b.release();
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    return sb.toString();
  }

  static ByteBuf chunk(String s) {
    return Unpooled.wrappedBuffer(ascii(s));
  }

  @Test
  void writesStatusLinesWithRfc2449ResponseCodes() {
    assertThat(encode(Pop3Response.Status.ok("POP3 server ready <1896.697170952@dbc.mtview.ca.us>")))
        .isEqualTo("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    assertThat(encode(Pop3Response.Status.err(Pop3RespCode.IN_USE, "Do you have another POP session running?")))
        .isEqualTo("-ERR [IN-USE] Do you have another POP session running?\r\n");
    assertThat(encode(Pop3Response.Status.err(Pop3RespCode.SYS_TEMP, "try later"),
        Pop3Response.Status.err(Pop3RespCode.AUTH, "bad login"), Pop3Response.Status.ok("")))
        .isEqualTo("-ERR [SYS/TEMP] try later\r\n-ERR [AUTH] bad login\r\n+OK\r\n");
    assertThat(encode(new Pop3Response.Continuation(""), new Pop3Response.Continuation("VXNlcm5hbWU6")))
        .isEqualTo("+ \r\n+ VXNlcm5hbWU6\r\n");
  }

  @Test
  void listingIsDotStuffedAndTerminated() {
    assertThat(encode(new Pop3Response.Listing("Capability list follows",
            List.of("TOP", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "PIPELINING", ".odd"))))
        .isEqualTo("+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\n"
            + "PIPELINING\r\n..odd\r\n.\r\n");
  }

  @Test
  void streamedBodyIsStuffedAcrossChunkBoundaries() {
    assertThat(encode(new Pop3Response.BodyStart("120 octets"), chunk("Subject: x\r\n\r\n"),
            chunk(".hidden\r\nline.with.dots\r"), chunk("\n"), chunk("."), chunk("\r\n"),
            Pop3Response.BodyEnd.INSTANCE))
        .isEqualTo("+OK 120 octets\r\nSubject: x\r\n\r\n..hidden\r\nline.with.dots\r\n..\r\n.\r\n");
  }

  @Test
  void bodyWithoutFinalCrlfGetsOneBeforeTheTerminator() {
    assertThat(encode(new Pop3Response.BodyStart(""), chunk("no newline"), Pop3Response.BodyEnd.INSTANCE))
        .isEqualTo("+OK\r\nno newline\r\n.\r\n");
    assertThat(encode(new Pop3Response.BodyStart(""), Pop3Response.BodyEnd.INSTANCE))
        .isEqualTo("+OK\r\n.\r\n");
  }

  @Test
  void chunksWithoutLineStartDotsGoOutAsSlicesOfTheInput() {
    DotStuffer stuffer = new DotStuffer();
    ByteBuf in = chunk("a.b\r\nc.d\r\n");
    ByteBuf out = stuffer.stuff(in, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(out.unwrap()).isSameAs(in.unwrap() == null ? in : in.unwrap());
    } finally {
      out.release();
      in.release();
    }
  }

  @Test
  void rawBuffersOutsideABodyPassThrough() {
    assertThat(encode(chunk(".raw\r\n"))).isEqualTo(".raw\r\n");
  }

  @Test
  void recordsRefuseLineBreaks() {
    assertThatThrownBy(() -> Pop3Response.Status.ok("a\r\n+OK injected"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pop3Response.Status(false, "BAD CODE", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pop3Response.Listing("x", List.of("a\nb")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
