package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Arbitrary bytes in arbitrary pieces through the server decoder behind a session that takes every
 * mode switch: nothing but the codec's own failures comes out, nothing escapes, every buffer is
 * freed and what the decoder holds stays within its limits.
 */
class SmtpCommandDecoderFuzzTest {
  private static final SmtpLimits LIMITS = new SmtpLimits(512, 1024, 4096, 512, 4, 16, 1000, 512, 8, false);
  private static final int MAX_PIECE = 601;

  @CodecFuzzTest
  void anyInputDecodesToCommandsContentOrFailures(FuzzedDataProvider data) {
    boolean unstuff = data.consumeBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(ServerHarness.server(LIMITS,
        unstuff ? SmtpDataDecoder.Mode.UNSTUFF : SmtpDataDecoder.Mode.PASS_THROUGH).get());
    SmtpCommandDecoder decoder = ch.pipeline().get(SmtpCommandDecoder.class);
    FuzzFeed.feed(data, ch, MAX_PIECE,
        m -> assertThat(m).isInstanceOfAny(SmtpCommand.class, SmtpContent.class, DataEnd.class,
            BdatEnd.class, DecodeFailure.class),
        // every message is answered at once: at most one unfinished line (an AUTH line's length)
        () -> assertThat(decoder.bufferedBytes())
            .isLessThanOrEqualTo(LIMITS.maxAuthLineLength() + MAX_PIECE));
  }
}
