package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.channel.embedded.EmbeddedChannel;

/** Arbitrary backend bytes: replies or failures only, no escape, no leak, bounded buffering. */
class SmtpReplyDecoderFuzzTest {
  private static final SmtpLimits LIMITS = SmtpLimits.DEFAULTS.withMaxReplyLines(8);
  private static final int MAX_PIECE = 3001;

  @CodecFuzzTest
  void anyInputDecodesToRepliesOrFailures(FuzzedDataProvider data) {
    SmtpReplyDecoder decoder = new SmtpReplyDecoder(LIMITS);
    FuzzFeed.feed(data, new EmbeddedChannel(decoder), MAX_PIECE,
        m -> assertThat(m).isInstanceOfAny(SmtpReply.class, DecodeFailure.class),
        () -> assertThat(decoder.bufferedBytes()).isLessThan(LIMITS.maxReplyLineLength() + MAX_PIECE));
  }
}
