package dev.mailgate.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import dev.mailgate.codec.testing.FuzzFeed;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzzes the server-side chain (framer + parser) with arbitrary bytes in arbitrary splits: only the
 * codec's own messages come out (commands, failures, continuation requests, chunks), nothing
 * escapes as an exception, every frame stays within the limits, and every input byte is released.
 */
class ImapCommandDecoderFuzzTest {
  private static final ImapLimits LIMITS =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withLiteralLimits(64, 8192, 32)
          .withInline(1024, 4096, 4096).withStructure(4, 6, 32);

  @CodecFuzzTest
  void anyInputYieldsOnlyCodecMessagesAndNoLeak(FuzzedDataProvider data) {
    ImapCommandFramer framer = new ImapCommandFramer(LIMITS);
    framer.authenticated(data.consumeBoolean());
    ImapCommandParser parser = new ImapCommandParser(LIMITS);
    parser.utf8Accept(data.consumeBoolean());
    FuzzFeed.feed(data, new EmbeddedChannel(framer, new ImapCommandDecoder(parser)), 512,
        ImapCommandDecoderFuzzTest::check);
  }

  private static void check(Object msg) {
    try {
      if (msg instanceof ImapCommand.Append a) {
        long inline = a.messages().stream().filter(m -> !m.streamed()).mapToLong(m -> m.size()).sum();
        assertThat(inline).isLessThanOrEqualTo(LIMITS.maxCommandBytes());
      } else if (msg instanceof ImapLiteralChunk c) {
        assertThat((long) c.content().readableBytes()).isLessThanOrEqualTo(LIMITS.maxLiteralAfterLogin());
      } else {
        assertThat(msg).isInstanceOfAny(ImapCommand.class, DecodeFailure.class, ImapContinuationRequest.class);
      }
      msg.toString();
    } finally {
      if (msg instanceof ImapCommand c) {
        ImapCommands.release(c);
      }
    }
  }
}
