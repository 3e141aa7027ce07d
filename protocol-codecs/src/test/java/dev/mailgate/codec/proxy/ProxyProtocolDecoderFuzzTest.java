package dev.mailgate.codec.proxy;

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
 * Fuzzes {@link ProxyProtocolDecoder}. The fuzzer may start its input with the v1 prefix or the v2
 * signature to get past detection. Asserts: at most one header or failure comes out, then only
 * pass-through bytes; nothing throws; every buffer is released.
 */
@Tag("fuzz")
class ProxyProtocolDecoderFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void decoderNeverThrowsEmitsOneVerdictAndReleases(FuzzedDataProvider data) {
    int prefix = data.consumeInt(0, 2);
    EmbeddedChannel ch = new EmbeddedChannel(new ProxyProtocolDecoder(new ProxyLimits(512, 8)));
    List<ByteBuf> inputs = new ArrayList<>();
    int verdicts = 0;
    try {
      if (prefix > 0) {
        ByteBuf sig = Unpooled.wrappedBuffer(prefix == 1
            ? ProxyProtocolDecoder.V1_PREFIX.clone() : ProxyProtocolDecoder.V2_SIGNATURE.clone());
        inputs.add(sig);
        ch.writeInbound(sig.retain());
      }
      while (data.remainingBytes() > 0) {
        ByteBuf buf = Unpooled.wrappedBuffer(data.consumeBytes(1 + data.consumeInt(0, 200)));
        inputs.add(buf);
        ch.writeInbound(buf.retain());
        Object msg;
        while ((msg = ch.readInbound()) != null) {
          if (msg instanceof ProxyHeader || msg instanceof DecodeFailure) {
            verdicts++;
          } else {
            assertThat(msg).isInstanceOf(ByteBuf.class);
          }
          ReferenceCountUtil.release(msg);
        }
      }
      ch.finish();
      Object msg;
      while ((msg = ch.readInbound()) != null) {
        verdicts += msg instanceof ByteBuf ? 0 : 1;
        ReferenceCountUtil.release(msg);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    assertThat(verdicts).isLessThanOrEqualTo(1);
    for (ByteBuf b : inputs) {
      assertThat(b.refCnt()).isEqualTo(1);
      b.release();
    }
  }
}
