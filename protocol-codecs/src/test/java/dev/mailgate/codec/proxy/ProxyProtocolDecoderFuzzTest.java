package dev.mailgate.codec.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes {@link ProxyProtocolDecoder}. The fuzzer may start its input with the v1 prefix or the v2
 * signature to get past detection. Asserts: at most one header or failure comes out, then only
 * pass-through bytes; nothing throws; every buffer is released.
 */
class ProxyProtocolDecoderFuzzTest {

  @CodecFuzzTest
  void decoderNeverThrowsEmitsOneVerdictAndReleases(FuzzedDataProvider data) {
    int prefix = data.consumeInt(0, 2);
    EmbeddedChannel ch = new EmbeddedChannel(new ProxyProtocolDecoder(new ProxyLimits(512, 8)));
    ByteBuf sig = null;
    if (prefix > 0) {
      sig = Unpooled.wrappedBuffer(prefix == 1
          ? ProxyProtocolDecoder.V1_PREFIX.clone() : ProxyProtocolDecoder.V2_SIGNATURE.clone());
      ch.writeInbound(sig.retain());
    }
    int[] verdicts = {0};
    try {
      FuzzFeed.feed(data, ch, 201, msg -> {
        if (msg instanceof ProxyHeader || msg instanceof DecodeFailure) {
          verdicts[0]++;
        } else {
          assertThat(msg).isInstanceOf(ByteBuf.class);
        }
      });
    } finally {
      if (sig != null) {
        assertThat(sig.refCnt()).as("signature released by the pipeline").isEqualTo(1);
        sig.release();
      }
    }
    assertThat(verdicts[0]).isLessThanOrEqualTo(1);
  }
}
