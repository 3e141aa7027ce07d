package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailgate.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link Pop3CommandDecoder} with arbitrary bytes in arbitrary splits, with a session
 * stand-in that arms SASL mode and answers at fuzzer-chosen moments. Asserts: only commands or
 * typed failures come out, the buffered bytes never exceed the line limits, and every input buffer
 * is released.
 */
@Tag("fuzz")
class Pop3CommandDecoderFuzzTest {
  private static final Pop3Limits LIMITS = new Pop3Limits(64, 16, 200, 4, 512);

  @FuzzTest(maxDuration = "15s")
  void decoderNeverThrowsStaysBoundedAndReleases(FuzzedDataProvider data) {
    Pop3CommandDecoder decoder = new Pop3CommandDecoder(LIMITS);
    boolean armSasl = data.consumeBoolean();
    boolean answer = data.consumeBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        assertThat(msg).isInstanceOfAny(Pop3Command.class, DecodeFailure.class);
        if (answer) {
          decoder.commandCompleted();
        }
        if (armSasl && msg instanceof Pop3Command.Auth) {
          decoder.expectSaslResponse();
        }
        ReferenceCountUtil.release(msg);
      }
    });
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, 300));
        ByteBuf buf = Unpooled.wrappedBuffer(piece);
        inputs.add(buf);
        ch.writeInbound(buf.retain());
        assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(LIMITS.maxSaslLineLength());
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
