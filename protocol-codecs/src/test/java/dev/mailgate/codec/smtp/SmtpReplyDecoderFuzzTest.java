package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailgate.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/** Arbitrary backend bytes: replies or failures only, no escape, no leak, bounded buffering. */
@Tag("fuzz")
class SmtpReplyDecoderFuzzTest {
  private static final SmtpLimits LIMITS = SmtpLimits.DEFAULTS.withMaxReplyLines(8);

  @FuzzTest(maxDuration = "15s")
  void anyInputDecodesToRepliesOrFailures(FuzzedDataProvider data) {
    SmtpReplyDecoder decoder = new SmtpReplyDecoder(LIMITS);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 3000));
        if (piece.length == 0) {
          break; // wrappedBuffer(new byte[0]) is the shared EMPTY_BUFFER, never released
        }
        ByteBuf buf = Unpooled.wrappedBuffer(piece);
        inputs.add(buf);
        ch.writeInbound(buf);
        Object m;
        while ((m = ch.readInbound()) != null) {
          assertThat(m).isInstanceOfAny(SmtpReply.class, DecodeFailure.class);
        }
        assertThat(decoder.bufferedBytes()).isLessThan(LIMITS.maxReplyLineLength() + 3001);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).isZero();
    }
  }
}
