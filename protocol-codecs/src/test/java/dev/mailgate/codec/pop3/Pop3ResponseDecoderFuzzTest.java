package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes the backend-leg {@link Pop3ResponseDecoder} with arbitrary responses, multi-line
 * expectations and splits. Asserts: only responses, body chunks or typed failures come out, the
 * held bytes stay under the line limits, and every buffer is released.
 */
class Pop3ResponseDecoderFuzzTest {
  private static final Pop3Limits LIMITS = Pop3Limits.DEFAULTS.withMaxResponseLineLength(100)
      .withMaxSaslLineLength(300);

  @CodecFuzzTest
  void decoderNeverThrowsStaysBoundedAndReleases(FuzzedDataProvider data) {
    MultiLineBodyDecoder.Mode mode = data.consumeBoolean()
        ? MultiLineBodyDecoder.Mode.UNSTUFF : MultiLineBodyDecoder.Mode.PASS_THROUGH;
    Pop3ResponseDecoder decoder = new Pop3ResponseDecoder(LIMITS, mode);
    int expectations = data.consumeInt(0, 8);
    for (int i = 0; i < expectations; i++) {
      decoder.expect(data.consumeBoolean());
    }
    FuzzFeed.feed(data, new EmbeddedChannel(decoder), 401,
        msg -> assertThat(msg).isInstanceOfAny(Pop3Response.class, ByteBuf.class, DecodeFailure.class));
  }
}
