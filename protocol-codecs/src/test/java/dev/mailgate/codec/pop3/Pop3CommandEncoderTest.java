package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.codec.sasl.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class Pop3CommandEncoderTest {

  @Test
  void everyCommandRoundTripsThroughTheServerParser() {
    List<Pop3Command> commands = List.of(
        new Pop3Command.User("mrose"), new Pop3Command.Pass(Secret.ofString("two words")),
        new Pop3Command.Apop("mrose", "c4c9334bac560ecc979e58001b3e22fb"),
        new Pop3Command.Auth("PLAIN", Secret.ofString("AHVzZXIAcGFzcw==")), new Pop3Command.Auth(null, null),
        new Pop3Command.List(OptionalInt.empty()), new Pop3Command.List(OptionalInt.of(3)),
        new Pop3Command.Uidl(OptionalInt.of(7)), new Pop3Command.Retr(1), new Pop3Command.Dele(2),
        new Pop3Command.Top(3, 0), new Pop3Command.Lang("en"), Pop3Command.Simple.of(Pop3Verb.CAPA),
        Pop3Command.Simple.of(Pop3Verb.QUIT), Pop3Command.Simple.of(Pop3Verb.STLS));
    Pop3CommandParser parser = new Pop3CommandParser(Pop3Limits.DEFAULTS);
    for (Pop3Command c : commands) {
      ByteBuf buf = Unpooled.buffer();
      try {
        Pop3CommandEncoder.write(c, buf);
        String wire = buf.toString(StandardCharsets.UTF_8);
        assertThat(wire).endsWith("\r\n");
        Object parsed = parser.parse(buf, 0, buf.writerIndex() - 2);
        assertThat(Pop3Describe.describe(parsed)).as(wire).isEqualTo(Pop3Describe.describe(c));
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void saslResponseIsWrittenBare() {
    ByteBuf buf = Unpooled.buffer();
    try {
      Pop3CommandEncoder.write(new Pop3Command.SaslResponse(Secret.ofString("dXNlcg==")), buf);
      assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo("dXNlcg==\r\n");
    } finally {
      buf.release();
    }
  }

  @Test
  void knowsWhichCommandsAnswerMultiLine() {
    assertThat(Pop3CommandEncoder.expectsMultiLine(new Pop3Command.Retr(1))).isTrue();
    assertThat(Pop3CommandEncoder.expectsMultiLine(new Pop3Command.Top(1, 1))).isTrue();
    assertThat(Pop3CommandEncoder.expectsMultiLine(new Pop3Command.List(OptionalInt.empty()))).isTrue();
    assertThat(Pop3CommandEncoder.expectsMultiLine(new Pop3Command.List(OptionalInt.of(1)))).isFalse();
    assertThat(Pop3CommandEncoder.expectsMultiLine(Pop3Command.Simple.of(Pop3Verb.CAPA))).isTrue();
    assertThat(Pop3CommandEncoder.expectsMultiLine(Pop3Command.Simple.of(Pop3Verb.STAT))).isFalse();
  }

  @Test
  void recordsRefuseInjectionAndSecretsNeverPrint() {
    assertThatThrownBy(() -> new Pop3Command.User("a\r\nDELE 1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pop3Command.Pass(Secret.ofString("x\r\nDELE 1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Pop3Command.Pass(Secret.ofString("hunter2")).toString()).doesNotContain("hunter2");
  }
}
