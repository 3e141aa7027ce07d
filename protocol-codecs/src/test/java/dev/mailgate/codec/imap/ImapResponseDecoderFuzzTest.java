package dev.mailgate.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;

/**
 * Fuzzes the client-side response chain (framer + decoder): only responses and failures come out,
 * no exception escapes, literals stay within the limit, and every input byte is released.
 */
class ImapResponseDecoderFuzzTest {
  private static final ImapLimits LIMITS =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withInline(1024, 4096, 2048)
          .withStructure(4, 6, 32);

  @CodecFuzzTest
  void anyResponseStreamYieldsOnlyResponsesAndNoLeak(FuzzedDataProvider data) {
    EmbeddedChannel ch =
        new EmbeddedChannel(new ImapResponseFramer(LIMITS), new ImapResponseDecoder(LIMITS));
    FuzzFeed.feed(data, ch, 512, msg -> {
      assertThat(msg).isInstanceOfAny(ImapResponse.class, DecodeFailure.class);
      if (msg instanceof ImapResponse.Data d) {
        checkLiterals(d.values());
      }
      msg.toString();
    });
  }

  private static void checkLiterals(List<ImapValue> values) {
    for (ImapValue v : values) {
      if (v instanceof ImapValue.Str s) {
        assertThat((long) s.bytes().readableBytes()).isLessThanOrEqualTo(LIMITS.maxResponseLiteral() + LIMITS.maxLineLength());
      } else if (v instanceof ImapValue.ListValue l) {
        checkLiterals(l.items());
      }
    }
  }
}
