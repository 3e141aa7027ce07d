package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.sasl.Secret;
import org.junit.jupiter.api.Test;

class Pop3ApopTest {

  @Test
  void rfc1939ApopExampleVerifies() {
    // RFC 1939 section 7: greeting timestamp, shared secret "tanstaaf", digest below
    String greeting = "POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
    String ts = Pop3Apop.timestampIn(greeting);
    assertThat(ts).isEqualTo("<1896.697170952@dbc.mtview.ca.us>");
    assertThat(Pop3Apop.digest(ts, Secret.ofString("tanstaaf"))).isEqualTo("c4c9334bac560ecc979e58001b3e22fb");
    Pop3Command.Apop apop = new Pop3Command.Apop("mrose", "c4c9334bac560ecc979e58001b3e22fb");
    assertThat(Pop3Apop.verify(apop, ts, Secret.ofString("tanstaaf"))).isTrue();
    assertThat(Pop3Apop.verify(apop, ts, Secret.ofString("tanstaag"))).isFalse();
  }

  @Test
  void timestampsAreUniqueMsgIds() {
    String a = Pop3Apop.timestamp("pop.example.org");
    assertThat(a).matches("<\\d+\\.\\d+@pop\\.example\\.org>");
    assertThat(Pop3Apop.timestamp("pop.example.org")).isNotEqualTo(a);
    assertThat(Pop3Apop.timestampIn("+OK ready")).isNull();
  }
}
