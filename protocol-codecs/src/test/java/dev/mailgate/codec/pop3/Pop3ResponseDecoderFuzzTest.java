package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailgate.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the backend-leg {@link Pop3ResponseDecoder} with arbitrary responses, multi-line
 * expectations and splits. Asserts: only responses, body chunks or typed failures come out, the
 * held bytes stay under the line limits, and every buffer is released.
 */
@Tag("fuzz")
class Pop3ResponseDecoderFuzzTest {
  private static final Pop3Limits LIMITS = Pop3Limits.DEFAULTS.withMaxResponseLineLength(100)
      .withMaxSaslLineLength(300);

  @FuzzTest(maxDuration = "15s")
  void decoderNeverThrowsStaysBoundedAndReleases(FuzzedDataProvider data) {
    MultiLineBodyDecoder.Mode mode = data.consumeBoolean()
        ? MultiLineBodyDecoder.Mode.UNSTUFF : MultiLineBodyDecoder.Mode.PASS_THROUGH;
    Pop3ResponseDecoder decoder = new Pop3ResponseDecoder(LIMITS, mode);
    int expectations = data.consumeInt(0, 8);
    for (int i = 0; i < expectations; i++) {
      decoder.expect(data.consumeBoolean());
    }
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        ByteBuf buf = Unpooled.wrappedBuffer(data.consumeBytes(1 + data.consumeInt(0, 400)));
        inputs.add(buf);
        ch.writeInbound(buf.retain());
        Object msg;
        while ((msg = ch.readInbound()) != null) {
          assertThat(msg).isInstanceOfAny(Pop3Response.class, ByteBuf.class, DecodeFailure.class);
          ReferenceCountUtil.release(msg);
        }
      }
      ch.finish();
    } finally {
      ch.finishAndReleaseAll();
    }
    for (ByteBuf b : inputs) {
      assertThat(b.refCnt()).isEqualTo(1);
      b.release();
    }
  }
}
