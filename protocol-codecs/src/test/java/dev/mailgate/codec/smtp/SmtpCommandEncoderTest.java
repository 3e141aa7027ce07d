package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The backend leg's command encoder: what it writes decodes back to the same record. */
class SmtpCommandEncoderTest {

  static Stream<SmtpCommand> commands() {
    Map<String, String> xclient = new LinkedHashMap<>();
    xclient.put("NAME", "client.example");
    xclient.put("ADDR", "192.0.2.7");
    xclient.put("LOGIN", "a+b=c d");
    return Stream.of(
        new SmtpCommand.Ehlo("gw.example"),
        new SmtpCommand.Helo("gw.example"),
        new SmtpCommand.Mail(SmtpPath.NULL, MailParameters.NONE),
        new SmtpCommand.Mail(new SmtpPath("\"a b\"", "ex.org", List.of(), false),
            new MailParameters(100, MailParameters.Body.EIGHT_BITMIME, true, "u+1@x.y",
                MailParameters.Ret.FULL, "id=1", List.of(new EsmtpParameter("MT-PRIORITY", "3")))),
        new SmtpCommand.Rcpt(new SmtpPath("ü", "bücher.example", List.of(), true),
            new RcptParameters(Set.of(RcptParameters.Notify.DELAY, RcptParameters.Notify.FAILURE),
                "rfc822", "x+40y.z", List.of())),
        new SmtpCommand.Rcpt(new SmtpPath("Postmaster", null, List.of(), false), RcptParameters.NONE),
        new SmtpCommand.Rset(), new SmtpCommand.Noop(null), new SmtpCommand.Quit(),
        new SmtpCommand.Vrfy("smith"), new SmtpCommand.Expn("list"), new SmtpCommand.Help("DATA"),
        new SmtpCommand.Bdat(1234, true), new SmtpCommand.Bdat(0, false),
        new SmtpCommand.Auth("PLAIN", "AGEAYg=="), new SmtpCommand.Auth("LOGIN", null),
        new SmtpCommand.Xclient(xclient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void encodedCommandDecodesToTheSameRecord(SmtpCommand command) {
    ByteBuf out = Unpooled.buffer();
    SmtpCommandEncoder.encode(command, out);
    String wire = out.toString(StandardCharsets.UTF_8);
    out.release();
    List<String> decoded = ServerHarness.decodeAllWays(wire);
    assertThat(decoded.get(0)).isEqualTo(command.toString());
  }

  @Test
  void commandEncodingIsTheWireForm() {
    ByteBuf out = Unpooled.buffer();
    SmtpCommandEncoder.encode(new SmtpCommand.Mail(new SmtpPath("a", "b.c", List.of("r.s"), false),
        new MailParameters(5, null, false, null, null, null, List.of())), out);
    SmtpCommandEncoder.encode(new SmtpCommand.AuthResponse("", true), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("MAIL FROM:<a@b.c> SIZE=5\r\n*\r\n");
    out.release();
  }

  @Test
  void injectedLineBreaksAreRefused() {
    ByteBuf out = Unpooled.buffer();
    try {
      assertThatIllegalArgumentException().isThrownBy(() ->
          SmtpCommandEncoder.encode(new SmtpCommand.Helo("x\r\nRCPT TO:<v@w>"), out));
      assertThatIllegalArgumentException().isThrownBy(() ->
          SmtpCommandEncoder.encode(new SmtpCommand.Xclient(Map.of("NAME", "a\nb")), out));
    } finally {
      out.release();
    }
  }
}
