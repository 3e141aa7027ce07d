package dev.mailgate.codec.smtp;

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
 * Arbitrary bytes in arbitrary pieces through the server decoder behind a session that takes every
 * mode switch: nothing but the codec's own failures comes out, nothing escapes, every buffer is
 * freed and what the decoder holds stays within its limits.
 */
@Tag("fuzz")
class SmtpCommandDecoderFuzzTest {
  private static final SmtpLimits LIMITS = new SmtpLimits(512, 1024, 4096, 512, 4, 16, 1000, 512, 8, false);

  @FuzzTest(maxDuration = "15s")
  void anyInputDecodesToCommandsContentOrFailures(FuzzedDataProvider data) {
    boolean unstuff = data.consumeBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(ServerHarness.server(LIMITS,
        unstuff ? SmtpDataDecoder.Mode.UNSTUFF : SmtpDataDecoder.Mode.PASS_THROUGH).get());
    SmtpCommandDecoder decoder = ch.pipeline().get(SmtpCommandDecoder.class);
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 600));
        if (piece.length == 0) {
          break; // wrappedBuffer(new byte[0]) is the shared EMPTY_BUFFER, never released
        }
        ByteBuf buf = Unpooled.wrappedBuffer(piece);
        inputs.add(buf);
        ch.writeInbound(buf);
        Object m;
        while ((m = ch.readInbound()) != null) {
          try {
            assertThat(m).isInstanceOfAny(SmtpCommand.class, SmtpContent.class, DataEnd.class,
                BdatEnd.class, DecodeFailure.class);
          } finally {
            ReferenceCountUtil.release(m);
          }
        }
        // paused input may reach the pipelining bound; otherwise at most one unfinished line
        assertThat(decoder.bufferedBytes())
            .isLessThanOrEqualTo(LIMITS.maxCommandLineLength() * LIMITS.maxPipelinedCommands() + 601);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).as("input buffer released").isZero();
    }
  }
}
