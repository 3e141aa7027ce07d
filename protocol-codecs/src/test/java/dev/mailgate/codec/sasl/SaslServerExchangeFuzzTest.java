package dev.mailgate.codec.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.testing.CodecFuzzTest;
import java.util.Base64;

/**
 * Fuzzes the SASL message decoders through {@link SaslServerExchange}: arbitrary mechanisms, raw
 * or base64-wrapped arbitrary messages, in any number of steps. Asserts: never an exception, every
 * step is one of the typed outcomes, and a finished exchange accepts nothing more.
 */
class SaslServerExchangeFuzzTest {

  @CodecFuzzTest
  void exchangeNeverThrowsAndEndsInATypedOutcome(FuzzedDataProvider data) {
    SaslMechanism mech = data.pickValue(SaslMechanism.values());
    SaslServerExchange x = SaslServerExchange.create(mech, "fuzz.example");
    SaslStep step = x.start(data.consumeBoolean() ? null : line(data));
    for (int i = 0; i < 4 && data.remainingBytes() > 0; i++) {
      assertThat(step).isNotNull();
      if (!(step instanceof SaslStep.Challenge)) {
        assertThat(x.finished()).isTrue();
        assertThat(x.respond(line(data))).isInstanceOf(SaslStep.Failure.class);
        return;
      }
      step = x.respond(line(data));
    }
    if (step instanceof SaslStep.Success s && s.credentials() instanceof SaslCredentials.CramMd5 c) {
      c.verify(Secret.ofString(data.consumeRemainingAsString()));
    }
  }

  /** Mostly valid base64 of fuzzer bytes (to reach the mechanism parsers), sometimes raw bytes. */
  private static Secret line(FuzzedDataProvider data) {
    byte[] raw = data.consumeBytes(data.consumeInt(0, 300));
    return Secret.wrap(data.consumeBoolean() ? raw : Base64.getEncoder().encode(raw));
  }
}
