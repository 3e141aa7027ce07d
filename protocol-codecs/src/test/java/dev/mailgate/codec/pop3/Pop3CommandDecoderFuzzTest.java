package dev.mailgate.codec.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Fuzzes {@link Pop3CommandDecoder} with arbitrary bytes in arbitrary splits, with a session
 * stand-in that arms SASL mode and answers at fuzzer-chosen moments. Asserts: only commands or
 * typed failures come out, the buffered bytes never exceed the line limits, and every input buffer
 * is released.
 */
class Pop3CommandDecoderFuzzTest {
  private static final Pop3Limits LIMITS = new Pop3Limits(64, 16, 200, 4, 512);

  @CodecFuzzTest
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
    FuzzFeed.feed(data, ch, 301, msg -> { },
        () -> assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(LIMITS.maxSaslLineLength()));
  }
}
